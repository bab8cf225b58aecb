/**
 * Generates seed/statistics.json, the "Introductory statistics" sample unit: `npx tsx seed/build/statistics.ts`.
 * Every computed answer comes from the data written into its question (test/seed/sampleUnits.test.ts recomputes them
 * from the question text).
 */
import { projectPath } from '../../src/projectRoot.js';
import { Unit, fmt, mean, median, quartiles, sorted, sum } from './lib.js';

const u = new Unit();
const list = (xs: readonly number[]) => `\`${xs.join(', ')}\``;

// ---------------------------------------------------------------- 1. statistical questions and types of data
const V = 'stat-variables';
u.objective(
  { key: V, title: 'Statistical questions and types of data', description: 'Tell statistical questions from others, and classify data as categorical or numerical, and numerical data as discrete or continuous.', prerequisites: [] },
  {
    lesson: [
      'Questions, data and variables',
      "A **statistical question** is one we answer by collecting data that *varies*. \"How tall am I?\" has one answer. \"How tall are the students in my class?\" expects many different answers: that is a statistical question.\n\nThe thing we record about each person or object is a **variable**. There are two main types:\n\n- **Categorical** data are labels or groups: favourite sport, eye colour, month of birth. Even a post code written with digits is categorical: adding two post codes makes no sense.\n- **Numerical** data are numbers you can calculate with: height, number of pets, time to run 100 m.\n\nNumerical data come in two kinds:\n\n- **Discrete**: counted in whole steps (number of pets, goals in a match). You cannot have 2.5 pets.\n- **Continuous**: measured, so any value in a range is possible (height, mass, time). A stopwatch could show 13.27 s.\n\nA quick test: *Can I find an average of it?* If not, it is categorical. *Can it be a fraction of a unit?* If yes, it is continuous.",
    ],
    reteach: [
      [
        'Sorting data with two questions',
        'Ask two questions about the data, in order.\n\n1. **Is each answer a number you could add up or average?** If no → **categorical** (colours, names, yes/no, post codes, shirt numbers).\n2. If yes: **Did you count it or measure it?** Counted → **discrete** (people, cars, goals). Measured with a ruler, scale, clock or thermometer → **continuous** (length, mass, time, temperature).\n\nExample: *the number of letters in your name* — a number you can average, and you count it: discrete. *The length of your name written on paper in cm* — measured: continuous.',
      ],
      [
        'Is it a statistical question?',
        'Imagine asking the question to the whole class. Would everyone give the **same** answer? Then it is not statistical ("What day is it today?"). Would the answers **vary**? Then it is statistical ("How many minutes did you read yesterday?"). Statistics is about describing that variation.',
      ],
    ],
    enrichment: [
      'Design a fair survey',
      'Write a statistical question about your school that would give **continuous** data, and one that would give **categorical** data. For each, describe who you would ask and how you would avoid **bias** — for example, asking only your friends about favourite music would not represent the whole school. Could a question be worded to push people towards one answer? Rewrite "Don\'t you agree that school starts too early?" so that it is neutral.',
    ],
  },
);
const typeChoices = (right: 'categorical' | 'discrete' | 'continuous'): Array<[string, boolean]> => [
  ['Categorical', right === 'categorical'],
  ['Numerical, discrete', right === 'discrete'],
  ['Numerical, continuous', right === 'continuous'],
];
const typeWhy = {
  categorical: 'The answers are labels or groups, not numbers you could average, so the data are categorical.',
  discrete: 'The answers are numbers found by counting in whole steps, so the data are numerical and discrete.',
  continuous: 'The answers are measured, and any value in a range is possible, so the data are numerical and continuous.',
} as const;
(
  [
    ['The favourite sport of each student in a class', 'categorical', 1250],
    ['The number of pets each student has', 'discrete', 1300],
    ['The time each runner takes to finish a 100 m race', 'continuous', 1400],
    ['The post code (ZIP code) of each family in a school', 'categorical', 1550],
    ['The number of goals scored in each match of a season', 'discrete', 1350],
    ['The mass of each apple in a crate', 'continuous', 1400],
  ] as const
).forEach(([what, type, difficulty], i) =>
  u.choice(`var-type-${i + 1}`, V, `What type of data is this?\n\n**${what}**`, typeChoices(type), {
    correct: `Yes. ${typeWhy[type]}`,
    incorrect: `${typeWhy[type]} Ask: can I average it? If yes, did I count it (discrete) or measure it (continuous)?`,
    hint: 'Could you find an average of these answers? If so, were they counted or measured?',
    difficulty,
  }),
);
u.choice(
  'var-question-1',
  V,
  'Which of these is a **statistical question**?',
  [
    ['How tall is the classroom door?', false],
    ['How many hours of sleep do the students in our class get on a school night?', true],
    ['What is 12 × 8?', false],
    ['What time does our school start?', false],
  ],
  {
    correct: 'Right: different students sleep different amounts, so the answers vary. That variation is what makes a question statistical.',
    incorrect: 'A statistical question expects answers that vary. The door has one height, 12 × 8 has one answer and school starts at one time; only the hours of sleep differ from student to student.',
    hint: 'Imagine asking the whole class. For which question would the answers differ?',
    difficulty: 1250,
  },
);
u.choice(
  'var-question-2',
  V,
  'Which of these is **not** a statistical question?',
  [
    ['How many books did each student in Year 7 read last month?', false],
    ['What is the mass of the dogs at the animal shelter?', false],
    ['How old is my sister today?', true],
    ['How long do people wait at this bus stop in the morning?', false],
  ],
  {
    correct: 'Correct: your sister has one age today, so there is no variation to describe.',
    incorrect: "The other three questions collect many answers that vary (books, dogs' masses, waiting times). \"How old is my sister today?\" has a single answer, so it is not statistical.",
    hint: 'Which question has exactly one answer?',
    difficulty: 1300,
  },
);
u.choice(
  'var-select-categorical',
  V,
  'Select **all** the variables that give **categorical** data.',
  [
    ['Eye colour', true],
    ['Height in cm', false],
    ['Month of birth', true],
    ['Number of brothers and sisters', false],
    ['Favourite school subject', true],
  ],
  {
    correct: 'Yes: eye colour, month of birth and favourite subject are labels. Height and number of siblings are numbers.',
    incorrect: 'Categorical data are labels: eye colour, month of birth (January, February, …) and favourite subject. Height (measured) and number of siblings (counted) are numerical.',
    hint: 'Which answers are words or groups rather than amounts?',
    difficulty: 1450,
  },
);
u.choice(
  'var-select-continuous',
  V,
  'Select **all** the variables that give **continuous** data.',
  [
    ['The temperature at noon each day', true],
    ['The number of cars in the car park', false],
    ['The time it takes to walk to school', true],
    ['The number of letters in your name', false],
    ['The length of a leaf', true],
  ],
  {
    correct: 'Correct: temperature, time and length are measured, so any value in a range is possible.',
    incorrect: 'Continuous data are measured: temperature, walking time and leaf length. Cars and letters are counted in whole steps, so they are discrete.',
    hint: 'Measured or counted?',
    difficulty: 1550,
  },
);
u.short('var-short-1', V, 'Is the colour of each car in a car park **categorical** or **numerical** data? Type one word.', ['categorical'], {
  correct: 'Yes: colours are labels, so the data are categorical.',
  incorrect: 'Colours are labels, not numbers you could average: the data are categorical.',
  hint: 'Can you find the average of "red" and "blue"?',
  difficulty: 1200,
});
u.short('var-short-2', V, 'Numerical data that are **counted** in whole steps, such as the number of pets, are called ______ data. Type one word.', ['discrete'], {
  correct: 'Right: counted data are discrete.',
  incorrect: 'Counted data go up in whole steps (0, 1, 2, …): they are called discrete. Measured data are continuous.',
  hint: 'The opposite of continuous.',
  difficulty: 1350,
});

// ---------------------------------------------------------------- 2. frequency tables
const T = 'stat-tables';
u.objective(
  { key: T, title: 'Frequency tables and bar charts', description: 'Read frequency tables and bar charts: totals, the most common category, differences between categories and percentages.', prerequisites: [V] },
  {
    lesson: [
      'Reading a frequency table',
      'A **frequency table** lists each category and its **frequency**: how many times it occurred.\n\n| Favourite fruit | Frequency |\n|---|---|\n| Apple | 8 |\n| Banana | 5 |\n| Mango | 7 |\n\n- The **total** is the sum of the frequencies: 8 + 5 + 7 = **20** students.\n- The **mode** (most common category) is the one with the highest frequency: **Apple**.\n- "How many more chose Apple than Banana?" → 8 − 5 = **3**.\n- The **percentage** who chose Mango is 7 out of 20: 7 ÷ 20 × 100 = **35%**.\n\nA **bar chart** shows the same table: one bar per category, its height the frequency. Always read the scale on the vertical axis.',
    ],
    reteach: [
      [
        'Percentages from a table, step by step',
        'To find the percentage for one category:\n\n1. Add **all** the frequencies to get the total (not just two of them).\n2. Divide the category\'s frequency by the total.\n3. Multiply by 100.\n\nExample: 6 out of 24 → 6 ÷ 24 = 0.25 → 0.25 × 100 = **25%**. Check: the percentages of all categories add up to 100%.',
      ],
    ],
    enrichment: [
      'Misleading charts',
      'A newspaper draws a bar chart of 52 votes for Plan A and 48 for Plan B, but starts the vertical axis at 45. Plan A\'s bar looks more than twice as tall as Plan B\'s. Work out how tall each bar looks above 45, and explain why the chart misleads. Then find a chart in the news and check where its axis starts.',
    ],
  },
);
const tables: Array<{ topic: string; rows: Array<[string, number]>; who: string }> = [
  { topic: 'Favourite sport', who: 'students', rows: [['Football', 12], ['Basketball', 7], ['Swimming', 5], ['Tennis', 6]] },
  { topic: 'Way of getting to school', who: 'students', rows: [['Walk', 14], ['Bus', 9], ['Car', 11], ['Bike', 6]] },
  { topic: 'Pet owned', who: 'families', rows: [['Dog', 18], ['Cat', 15], ['Fish', 4], ['None', 13]] },
  { topic: 'Favourite season', who: 'people', rows: [['Spring', 9], ['Summer', 21], ['Autumn', 6], ['Winter', 4]] },
];
const tableMd = (t: (typeof tables)[number]) => `| ${t.topic} | Frequency |\n|---|---|\n${t.rows.map(([c, f]) => `| ${c} | ${f} |`).join('\n')}`;
tables.forEach((t, i) => {
  const total = sum(t.rows.map(([, f]) => f));
  const [a, fa] = t.rows[0] as [string, number];
  const [b, fb] = t.rows[2] as [string, number];
  const [top, fTop] = [...t.rows].sort((x, y) => y[1] - x[1])[0] as [string, number];
  u.numeric(`tab-total-${i + 1}`, T, `The table shows the answers of some ${t.who}.\n\n${tableMd(t)}\n\nHow many ${t.who} answered altogether?`, total, {
    correct: `Yes: ${t.rows.map(([, f]) => f).join(' + ')} = ${total}.`,
    incorrect: `Add every frequency: ${t.rows.map(([, f]) => f).join(' + ')} = ${total}.`,
    hint: 'The total is the sum of the frequency column.',
    difficulty: 1200 + i * 20,
  });
  if (i % 2 === 0) {
    u.numeric(`tab-more-${i + 1}`, T, `${tableMd(t)}\n\nHow many more ${t.who} chose **${a}** than **${b}**?`, fa - fb, {
      correct: `Right: ${fa} − ${fb} = ${fa - fb}.`,
      incorrect: `${a} has frequency ${fa} and ${b} has ${fb}; "how many more" is the difference: ${fa} − ${fb} = ${fa - fb}.`,
      hint: 'Find both frequencies, then subtract.',
      difficulty: 1300 + i * 20,
    });
  } else {
    u.short(`tab-mode-${i + 1}`, T, `${tableMd(t)}\n\nWhich answer is the **mode** (the most common)? Type it as written in the table.`, [top], {
      correct: `Yes: ${top} has the highest frequency, ${fTop}.`,
      incorrect: `The mode is the category with the highest frequency: ${top} (${fTop}). It is a category, not a number.`,
      hint: 'Look for the biggest number in the frequency column, then read its category.',
      difficulty: 1250 + i * 20,
    });
  }
  const pct = (fa / total) * 100;
  u.numeric(`tab-pct-${i + 1}`, T, `${tableMd(t)}\n\nWhat **percentage** of the ${t.who} chose **${a}**? Round to the nearest whole number if needed; type the number only.`, pct, {
    tolerance: 0.5,
    correct: `Correct: ${fa} ÷ ${total} × 100 = ${fmt(pct, 1)}%.`,
    incorrect: `First the total: ${total}. Then ${fa} ÷ ${total} = ${fmt(fa / total, 4)}, and × 100 = ${fmt(pct, 1)}%.`,
    hint: 'Percentage = frequency ÷ total × 100.',
    difficulty: 1500 + i * 25,
  });
});

// ---------------------------------------------------------------- 3. mean, median, mode
const C = 'stat-center';
u.objective(
  { key: C, title: 'Mean, median and mode', description: 'Find the mean, median and mode of a set of numerical data.', prerequisites: [V] },
  {
    lesson: [
      'Three kinds of average',
      'Three numbers describe the **centre** of a data set. Take the data `3, 7, 4, 7, 9`.\n\n- **Mean**: add the values and divide by how many there are. 3 + 7 + 4 + 7 + 9 = 30, and 30 ÷ 5 = **6**.\n- **Median**: put the values in order and take the middle one. `3, 4, 7, 7, 9` → the middle (3rd of 5) is **7**. With an even number of values, the median is halfway between the two middle values: `2, 4, 6, 10` → (4 + 6) ÷ 2 = **5**.\n- **Mode**: the value that occurs most often: **7**.\n\nAlways order the data before finding the median!',
    ],
    reteach: [
      [
        'The mean as sharing equally',
        'The mean is what everyone would get if the total were shared out equally. Four friends have 2, 5, 6 and 7 stickers: 20 stickers in total. Shared equally, each gets 20 ÷ 4 = **5**. So the mean is 5. Check: the mean is always between the smallest and largest values.',
      ],
      [
        'Finding the middle',
        'For the median, cross off values in pairs from both ends of the **ordered** list.\n\n`1, 3, 3, 6, 8, 9, 12` → cross off 1 and 12, 3 and 9, 3 and 8 → **6** is left.\n\nWith an even count, two values are left in the middle: `2, 5, 7, 10` → 5 and 7 are left → the median is halfway: (5 + 7) ÷ 2 = **6**.',
      ],
    ],
    enrichment: [
      'Make the averages',
      'Find five whole numbers with mean 6, median 5 and mode 4. Is there more than one answer? Then find a set of five numbers whose mean is **bigger** than all but one of the values. What does that tell you about when the mean is a poor summary?',
    ],
  },
);
const meanSets: Array<[string, number[]]> = [
  ['the number of goals a team scored in five matches', [3, 1, 4, 0, 2]],
  ['the ages of six children at a party', [9, 11, 10, 12, 9, 11]],
  ['the daily high temperatures (°C) over a week', [18, 21, 19, 24, 22, 20, 23]],
  ['the scores out of 10 on a quiz', [7, 9, 6, 10, 8, 5]],
  ['the number of minutes eight students read yesterday', [20, 35, 15, 40, 30, 25, 45, 18]],
];
meanSets.forEach(([what, xs], i) => {
  const m = mean(xs);
  u.numeric(`ctr-mean-${i + 1}`, C, `These are ${what}:\n\n${list(xs)}\n\nWhat is the **mean**? Round to one decimal place if needed.`, m, {
    tolerance: 0.05,
    correct: `Yes: the total is ${sum(xs)}, and ${sum(xs)} ÷ ${xs.length} = ${fmt(m, 3)}.`,
    incorrect: `Add all ${xs.length} values: ${xs.join(' + ')} = ${sum(xs)}. Divide by how many there are: ${sum(xs)} ÷ ${xs.length} = ${fmt(m, 3)}.`,
    hint: 'Mean = total ÷ number of values.',
    difficulty: 1300 + i * 40,
  });
});
const medianSets: Array<[string, number[]]> = [
  ['the heights (cm) of five plants', [12, 18, 9, 15, 21]],
  ['the number of pages in seven books', [210, 145, 320, 180, 260, 150, 400]],
  ['the number of text messages six friends sent on Sunday', [14, 3, 22, 8, 10, 30]],
  ['the times (seconds) of eight swimmers', [31, 28, 35, 30, 29, 33, 27, 34]],
];
medianSets.forEach(([what, xs], i) => {
  const m = median(xs);
  const s = sorted(xs);
  const how =
    s.length % 2
      ? `the middle value is ${s[(s.length - 1) / 2]}`
      : `the two middle values are ${s[s.length / 2 - 1]} and ${s[s.length / 2]}, and halfway between them is ${fmt(m)}`;
  u.numeric(`ctr-median-${i + 1}`, C, `These are ${what}:\n\n${list(xs)}\n\nWhat is the **median**?`, m, {
    tolerance: 0,
    correct: `Right: in order, ${s.join(', ')}; ${how}.`,
    incorrect: `First put the values in order: ${s.join(', ')}. With ${s.length} values, ${how}.`,
    hint: s.length % 2 ? 'Order the values, then take the middle one.' : 'Order the values. With an even count, take halfway between the two middle values.',
    difficulty: 1350 + i * 50,
  });
});
const modeSets: Array<[string, number[]]> = [
  ['the shoe sizes of nine students', [5, 6, 6, 7, 5, 6, 8, 4, 6]],
  ['the number of people in each car passing a school', [1, 2, 1, 3, 1, 4, 2, 1, 2, 5]],
  ['the marks out of 5 on a spelling test', [4, 3, 5, 3, 2, 3, 4, 5, 3]],
];
modeSets.forEach(([what, xs], i) => {
  const counts = new Map<number, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  const [mode, n] = [...counts].sort((a, b) => b[1] - a[1])[0] as [number, number];
  u.numeric(`ctr-mode-${i + 1}`, C, `These are ${what}:\n\n${list(xs)}\n\nWhat is the **mode**?`, mode, {
    tolerance: 0,
    correct: `Yes: ${mode} appears ${n} times, more often than any other value.`,
    incorrect: `Count how often each value appears: ${[...counts].sort((a, b) => a[0] - b[0]).map(([v, c]) => `${v} (${c}×)`).join(', ')}. The mode is the most frequent value, ${mode}.`,
    hint: 'Which value appears most often?',
    difficulty: 1200 + i * 30,
  });
});

// ---------------------------------------------------------------- 4. range and interquartile range
const S = 'stat-spread';
u.objective(
  { key: S, title: 'Range and interquartile range', description: 'Measure how spread out data are with the range, the quartiles and the interquartile range.', prerequisites: [C] },
  {
    lesson: [
      'How spread out is the data?',
      'Two classes can have the same mean but very different spreads. Two measures of spread:\n\n- **Range** = largest value − smallest value.\n- **Interquartile range (IQR)** = upper quartile − lower quartile: the spread of the middle half of the data.\n\nTo find the quartiles (the method used in this unit):\n\n1. Put the data in order and find the median.\n2. Split the data into a **lower half** and an **upper half**. If there is an odd number of values, leave the median out of both halves.\n3. The **lower quartile (Q1)** is the median of the lower half; the **upper quartile (Q3)** is the median of the upper half.\n\nExample: `2, 4, 5, 7, 8, 10, 13` → median 7; lower half `2, 4, 5` → Q1 = 4; upper half `8, 10, 13` → Q3 = 10; IQR = 10 − 4 = **6**. The range is 13 − 2 = **11**.',
    ],
    reteach: [
      [
        'Quartiles as the middles of the halves',
        'Think of the median as cutting the ordered data into two halves. Each half has its own middle: those are the quartiles.\n\n`1, 3, 4, 6, 9, 11` (6 values, even): halves `1, 3, 4` and `6, 9, 11`. Q1 = 3, Q3 = 9, IQR = 6.\n\n`1, 3, 4, 6, 9, 11, 12` (7 values, odd): the median 6 is left out → halves `1, 3, 4` and `9, 11, 12`. Q1 = 3, Q3 = 11, IQR = 8.',
      ],
    ],
    enrichment: [
      'Why the IQR?',
      'A class of 10 has test scores `42, 61, 63, 65, 66, 68, 70, 71, 73, 98`. Work out the range and the IQR. Now change the 98 to 72 and work them out again. Which measure changed, and by how much? Write one sentence explaining when the IQR describes a class better than the range.',
    ],
  },
);
const spreadSets: number[][] = [
  [4, 9, 2, 7, 5, 11, 8],
  [15, 22, 18, 30, 25, 19, 27, 21],
  [3, 8, 6, 12, 5, 9, 10, 4, 7],
  [31, 45, 38, 52, 41, 36, 49, 40, 44, 35],
];
spreadSets.forEach((xs, i) => {
  const s = sorted(xs);
  const range = (s[s.length - 1] as number) - (s[0] as number);
  u.numeric(`spr-range-${i + 1}`, S, `Find the **range** of this data:\n\n${list(xs)}`, range, {
    correct: `Correct: the largest value is ${s[s.length - 1]} and the smallest is ${s[0]}, so the range is ${range}.`,
    incorrect: `Range = largest − smallest = ${s[s.length - 1]} − ${s[0]} = ${range}. (Order the data first so you do not miss the extremes: ${s.join(', ')}.)`,
    hint: 'Range = largest value − smallest value.',
    difficulty: 1200 + i * 30,
  });
  const { q1, q3 } = quartiles(xs);
  const half = Math.floor(s.length / 2);
  const lower = s.slice(0, half);
  const upper = s.slice(s.length - half);
  const halves = `In order: ${s.join(', ')}. Lower half: ${lower.join(', ')} → Q1 = ${fmt(q1)}. Upper half: ${upper.join(', ')} → Q3 = ${fmt(q3)}.${s.length % 2 ? ` (The median ${median(s)} is left out of both halves.)` : ''}`;
  u.numeric(`spr-iqr-${i + 1}`, S, `Find the **interquartile range** of this data, using the median-of-halves method of this unit:\n\n${list(xs)}`, q3 - q1, {
    correct: `Yes. ${halves} IQR = ${fmt(q3)} − ${fmt(q1)} = ${fmt(q3 - q1)}.`,
    incorrect: `${halves} IQR = Q3 − Q1 = ${fmt(q3)} − ${fmt(q1)} = ${fmt(q3 - q1)}.`,
    hint: 'Order the data, split it into halves around the median, find the middle of each half, then subtract.',
    difficulty: 1500 + i * 40,
  });
  const which = i % 2 === 0 ? 'lower' : 'upper';
  const q = which === 'lower' ? q1 : q3;
  u.numeric(`spr-q${which === 'lower' ? 1 : 3}-${i + 1}`, S, `Find the **${which} quartile** of this data, using the median-of-halves method of this unit:\n\n${list(xs)}`, q, {
    correct: `Right. ${halves}`,
    incorrect: `${halves} So the ${which} quartile is ${fmt(q)}.`,
    hint: `The ${which} quartile is the median of the ${which} half of the ordered data.`,
    difficulty: 1400 + i * 30,
  });
});

// ---------------------------------------------------------------- 5. outliers and choosing a measure
const O = 'stat-outliers';
u.objective(
  { key: O, title: 'Outliers and choosing a measure', description: 'Spot outliers with the 1.5 × IQR rule, see how they affect the mean and median, and choose a suitable average.', prerequisites: [S] },
  {
    lesson: [
      'Outliers',
      'An **outlier** is a value far away from the rest. A common rule: a value is an outlier if it is more than **1.5 × IQR** above the upper quartile or below the lower quartile.\n\n- Upper fence = Q3 + 1.5 × IQR\n- Lower fence = Q1 − 1.5 × IQR\n\nOutliers pull the **mean** towards them, but hardly move the **median**. Five salaries of 20, 22, 23, 25 and 30 thousand have mean 24 and median 23. Add a boss earning 200 thousand: the mean jumps to 320 ÷ 6 ≈ 53.3, while the median only moves to 24.\n\nSo: use the **median** when the data have outliers or are skewed (house prices, incomes); the **mean** when the data are roughly symmetric; the **mode** for categorical data.',
    ],
    reteach: [
      [
        'Why one value moves the mean',
        'The mean uses every value\'s size; the median only uses the order. If you change the largest value from 30 to 300, the order does not change, so the median stays the same, but the total grows by 270, so the mean grows by 270 ÷ (number of values). That is why an outlier can make the mean misleading.',
      ],
    ],
    enrichment: [
      'Should we remove it?',
      'A class records how many minutes each student spends on homework; one entry says 600. Discuss: is it a mistake, or a real value? Write down what you would do in each case, and why deleting real outliers to make results look neater is dishonest.',
    ],
  },
);
const newMeanSets: Array<[number[], number]> = [
  [[4, 6, 5, 7, 8], 40],
  [[12, 15, 11, 14, 13, 15], 60],
  [[30, 32, 29, 35], 2],
];
newMeanSets.forEach(([xs, extra], i) => {
  const before = mean(xs);
  const after = mean([...xs, extra]);
  u.numeric(`out-newmean-${i + 1}`, O, `The data ${list(xs)} have a mean of ${fmt(before, 3)}. The value **${extra}** is added to the data. What is the **new mean**? Round to one decimal place if needed.`, after, {
    tolerance: 0.05,
    correct: `Yes: the new total is ${sum(xs)} + ${extra} = ${sum(xs) + extra}, over ${xs.length + 1} values: ${fmt(after, 3)}. One unusual value moved the mean a lot.`,
    incorrect: `The old total is ${sum(xs)}. Add ${extra}: ${sum(xs) + extra}. There are now ${xs.length + 1} values, so the mean is ${sum(xs) + extra} ÷ ${xs.length + 1} = ${fmt(after, 3)}.`,
    hint: 'Find the new total and divide by the new number of values.',
    difficulty: 1500 + i * 40,
  });
});
const fenceSets: number[][] = [
  [10, 12, 13, 15, 16, 18, 40],
  [5, 7, 8, 9, 10, 11, 12, 16],
  [21, 24, 25, 26, 28, 29, 31, 33, 60],
];
fenceSets.forEach((xs, i) => {
  const { q1, q3 } = quartiles(xs);
  const fence = q3 + 1.5 * (q3 - q1);
  const top = Math.max(...xs);
  u.numeric(`out-fence-${i + 1}`, O, `For the data ${list(xs)}, find the **upper fence** Q3 + 1.5 × IQR (quartiles by the median-of-halves method).`, fence, {
    tolerance: 0.05,
    correct: `Right: Q1 = ${fmt(q1)}, Q3 = ${fmt(q3)}, IQR = ${fmt(q3 - q1)}, fence = ${fmt(q3)} + 1.5 × ${fmt(q3 - q1)} = ${fmt(fence)}. ${top > fence ? `So ${top} is an outlier.` : `So ${top} is not an outlier.`}`,
    incorrect: `Q1 = ${fmt(q1)} and Q3 = ${fmt(q3)}, so IQR = ${fmt(q3 - q1)}. Upper fence = ${fmt(q3)} + 1.5 × ${fmt(q3 - q1)} = ${fmt(fence)}.`,
    hint: 'Find Q1 and Q3 first, then IQR = Q3 − Q1.',
    difficulty: 1650 + i * 40,
  });
  const isOutlier = top > fence;
  u.choice(`out-is-${i + 1}`, O, `Using the 1.5 × IQR rule, is **${top}** an outlier in the data ${list(xs)}?`, [['Yes', isOutlier], ['No', !isOutlier]], {
    correct: `Correct: the upper fence is ${fmt(fence)}, and ${top} is ${isOutlier ? 'above' : 'not above'} it.`,
    incorrect: `Q1 = ${fmt(q1)}, Q3 = ${fmt(q3)}, IQR = ${fmt(q3 - q1)}; the upper fence is ${fmt(q3)} + 1.5 × ${fmt(q3 - q1)} = ${fmt(fence)}. ${top} is ${isOutlier ? 'above the fence, so it is an outlier' : 'not above the fence, so it is not an outlier'}.`,
    hint: 'Compare the value with Q3 + 1.5 × IQR.',
    difficulty: 1600 + i * 40,
  });
});
u.choice(
  'out-choose-1',
  O,
  'An estate agent wants to describe a "typical" house price in a town where most houses cost about 200 000 but a few mansions cost several million. Which average should she use?',
  [['The mean', false], ['The median', true], ['The mode', false], ['The range', false]],
  {
    correct: 'Yes: the few very expensive houses would pull the mean up; the median stays with the typical houses.',
    incorrect: 'The mansions are outliers that pull the mean far up. The median is not affected by how extreme they are, so it describes a typical price best. (The range measures spread, not a typical value.)',
    hint: 'Which average ignores how extreme the largest values are?',
    difficulty: 1450,
  },
);
u.choice(
  'out-choose-2',
  O,
  'A shoe shop records the **colour** of each pair sold. Which average can describe the most popular colour?',
  [['The mean', false], ['The median', false], ['The mode', true]],
  {
    correct: 'Right: colours are categorical, so only the mode (the most common value) makes sense.',
    incorrect: 'You cannot add or order colours, so the mean and median are impossible. The mode, the most common colour, works for categorical data.',
    hint: 'Can you add up colours?',
    difficulty: 1300,
  },
);
u.choice(
  'out-choose-3',
  O,
  'One very large value is added to a data set. Which statement is true?',
  [
    ['The mean changes a lot; the median changes a little or not at all.', true],
    ['The median changes a lot; the mean changes a little.', false],
    ['Neither the mean nor the median changes.', false],
    ['Both change by the same amount.', false],
  ],
  {
    correct: 'Yes: the mean uses the size of every value, the median only their order.',
    incorrect: 'The mean adds up every value, so one large value raises it a lot. The median only depends on the middle of the ordered list, which moves at most one place.',
    hint: 'Which average uses the size of every value?',
    difficulty: 1400,
  },
);

// ---------------------------------------------------------------- 6. probability
const P = 'stat-probability';
u.objective(
  { key: P, title: 'Probability of simple events', description: 'Find probabilities of equally likely outcomes, of an event not happening, and expected frequencies.', prerequisites: [T] },
  {
    lesson: [
      'How likely is it?',
      'A **probability** is a number from **0** (impossible) to **1** (certain). When all outcomes are equally likely:\n\n**P(event) = number of favourable outcomes ÷ total number of outcomes**\n\nA bag has 3 red and 5 blue counters. P(red) = 3 ÷ 8 = **0.375** (or 3/8).\n\n- The probability of something **not** happening is 1 minus the probability that it happens: P(not red) = 1 − 3/8 = **5/8**.\n- **Expected frequency** = probability × number of trials. Pick a counter (and put it back) 40 times: you expect red about 0.375 × 40 = **15** times.\n\nYou can write probabilities as fractions, decimals or percentages: 3/8 = 0.375 = 37.5%.',
    ],
    reteach: [
      [
        'Count, then divide',
        'Make a list before you divide.\n\nA bag: 2 green, 4 yellow, 6 purple. \n1. Total: 2 + 4 + 6 = **12** counters.\n2. Favourable: the yellow ones, **4**.\n3. P(yellow) = 4 ÷ 12 = 1/3 ≈ **0.33**.\n\nA common mistake is to divide by the number of *other* counters (4 ÷ 8). Always divide by the **total**.',
      ],
    ],
    enrichment: [
      'Is the dice fair?',
      'Roll a dice 60 times (or use a spinner app) and record the results in a frequency table. How many of each number do you expect? Compare your results with the expected frequencies. How different would the results have to be before you suspected the dice was not fair? Try again with 300 rolls: what changes?',
    ],
  },
);
const bags: Array<Array<[string, number]>> = [
  [['red', 3], ['blue', 5], ['green', 2]],
  [['white', 4], ['black', 6], ['yellow', 10]],
  [['orange', 7], ['purple', 1]],
  [['red', 2], ['blue', 3], ['green', 4], ['yellow', 3]],
];
const bagText = (b: Array<[string, number]>) => b.map(([c, n]) => `${n} ${c}`).join(', ').replace(/, ([^,]*)$/, ' and $1');
bags.forEach((b, i) => {
  const total = sum(b.map(([, n]) => n));
  const [colour, n] = b[1] as [string, number];
  u.numeric(`prob-bag-${i + 1}`, P, `A bag holds ${bagText(b)} counters. One counter is picked at random. What is the probability that it is **${colour}**? Give a fraction or a decimal (rounded to 2 decimal places).`, n / total, {
    tolerance: 0.005,
    correct: `Yes: ${n} of the ${total} counters are ${colour}, so P = ${n}/${total} = ${fmt(n / total, 3)}.`,
    incorrect: `There are ${total} counters in total and ${n} are ${colour}. P(${colour}) = ${n} ÷ ${total} = ${fmt(n / total, 3)}.`,
    hint: 'Favourable outcomes ÷ total outcomes.',
    difficulty: 1250 + i * 40,
  });
  if (i < 2) {
    const [first, f] = b[0] as [string, number];
    u.numeric(`prob-not-${i + 1}`, P, `A bag holds ${bagText(b)} counters. One counter is picked at random. What is the probability that it is **not ${first}**? Give a fraction or a decimal (rounded to 2 decimal places).`, 1 - f / total, {
      tolerance: 0.005,
      correct: `Right: P(not ${first}) = 1 − ${f}/${total} = ${total - f}/${total} = ${fmt(1 - f / total, 3)}.`,
      incorrect: `P(${first}) = ${f}/${total}, so P(not ${first}) = 1 − ${f}/${total} = ${total - f}/${total} = ${fmt(1 - f / total, 3)}.`,
      hint: 'P(not A) = 1 − P(A).',
      difficulty: 1400 + i * 40,
    });
  }
});
const expectations: Array<[string, number, number, string]> = [
  ['The probability that it rains on a given day in April is 0.3.', 0.3, 30, 'days in April'],
  ['The probability that a seed grows into a plant is 0.85.', 0.85, 200, 'seeds planted'],
  ['A spinner lands on blue with probability 0.25.', 0.25, 48, 'spins'],
];
expectations.forEach(([sentence, p, n, of], i) => {
  u.numeric(`prob-expect-${i + 1}`, P, `${sentence} Out of **${n}** ${of}, how many times would you **expect** it to happen?`, p * n, {
    tolerance: 0.05,
    correct: `Yes: expected frequency = ${p} × ${n} = ${fmt(p * n)}.`,
    incorrect: `Multiply the probability by the number of trials: ${p} × ${n} = ${fmt(p * n)}.`,
    hint: 'Expected frequency = probability × number of trials.',
    difficulty: 1450 + i * 40,
  });
});
u.choice(
  'prob-scale-1',
  P,
  'Which of these events has probability **0**?',
  [['Rolling a 7 on an ordinary six-sided dice', true], ['Getting heads when you toss a coin', false], ['Rolling a number less than 7 on an ordinary dice', false], ['The sun rising tomorrow', false]],
  {
    correct: 'Yes: a six-sided dice only shows 1 to 6, so a 7 is impossible.',
    incorrect: 'Probability 0 means impossible. Heads has probability 1/2, "less than 7" on a dice is certain (1), and so is sunrise. Rolling a 7 cannot happen.',
    hint: 'Probability 0 means the event can never happen.',
    difficulty: 1150,
  },
);
u.choice(
  'prob-coin-1',
  P,
  'A fair coin lands on heads 5 times in a row. What is the probability that it lands on heads on the next toss?',
  [['Less than 1/2, because tails is "due"', false], ['Exactly 1/2', true], ['More than 1/2, because heads is on a streak', false], ['1, because it always lands on heads', false]],
  {
    correct: 'Correct: the coin has no memory. Each toss is independent, so P(heads) is still 1/2.',
    incorrect: 'A fair coin has no memory: earlier tosses do not change the next one. The probability stays 1/2. Believing tails is "due" is called the gambler\'s fallacy.',
    hint: 'Does the coin know what happened before?',
    difficulty: 1500,
  },
);

u.write(projectPath('seed', 'statistics.json'), {
  title: 'Introductory statistics',
  description:
    'A sample mastery unit for grades 6-8: statistical questions and types of data, frequency tables, mean, median and mode, range and interquartile range, outliers and choosing an average, and simple probability. Each objective has a lesson, reteach pages that explain it another way, an enrichment task and 12 practice questions whose answers are computed from their data.',
});
