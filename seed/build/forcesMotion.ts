/**
 * Generates seed/forces-motion.json, the "Forces and motion" sample unit: `npx tsx seed/build/forcesMotion.ts`.
 * Every computed answer comes from the quantities written into its question (test/seed/sampleUnits.test.ts
 * recomputes them from the question text). g = 9.8 N/kg on Earth, 1.6 N/kg on the Moon.
 */
import { projectPath } from '../../src/projectRoot.js';
import { Unit, fmt } from './lib.js';

const u = new Unit();
const G = 9.8;
const MOON = 1.6;
const ROUND = 'Round to one decimal place if needed; type the number only.';

// ---------------------------------------------------------------- 1. speed
const SP = 'fm-speed';
u.objective(
  { key: SP, title: 'Speed, distance and time', description: 'Calculate average speed, distance and time with speed = distance ÷ time, and convert km/h to m/s.', prerequisites: [] },
  {
    lesson: [
      'Speed = distance ÷ time',
      '**Average speed** tells you how far something travels each second (or hour).\n\n**speed = distance ÷ time**\n\nIn science we measure distance in metres (m), time in seconds (s) and speed in metres per second (**m/s**).\n\nA runner covers 100 m in 20 s: speed = 100 ÷ 20 = **5 m/s**.\n\nRearranged: **distance = speed × time** and **time = distance ÷ speed**. A cyclist at 6 m/s for 50 s travels 6 × 50 = **300 m**.\n\nTo change km/h to m/s, divide by 3.6 (1 km/h = 1000 m ÷ 3600 s): 72 km/h = 72 ÷ 3.6 = **20 m/s**.',
    ],
    reteach: [
      [
        'The formula triangle',
        'Draw a triangle with **d** on top and **s** and **t** at the bottom. Cover the quantity you want:\n\n- Cover d → s × t\n- Cover s → d ÷ t\n- Cover t → d ÷ s\n\nThen check the units: metres and seconds give m/s. If a speed comes out bigger than a car\'s (about 30 m/s) for a person walking, something went wrong.',
      ],
    ],
    enrichment: [
      'How fast is a snail?',
      'Time a toy car, a ball or a volunteer over a measured 5 m. Repeat three times and find the mean time and the average speed. Which part of your measurement is least precise? How would measuring over 20 m instead of 5 m change the uncertainty?',
    ],
  },
);
(
  [
    ['A cyclist rides', 120, 15],
    ['A sprinter runs', 100, 12.5],
    ['A train travels', 4500, 150],
    ['A tortoise walks', 48, 160],
  ] as const
).forEach(([who, d, t], i) => {
  const v = d / t;
  u.numeric(`spd-speed-${i + 1}`, SP, `${who} ${d} m in ${t} s. What is the average speed in m/s? ${ROUND}`, v, {
    tolerance: 0.05,
    correct: `Yes: speed = ${d} m ÷ ${t} s = ${fmt(v, 3)} m/s.`,
    incorrect: `speed = distance ÷ time = ${d} m ÷ ${t} s = ${fmt(v, 3)} m/s.`,
    hint: 'Divide the distance by the time.',
    difficulty: 1250 + i * 40,
  });
});
(
  [
    ['A car drives at', 25, 40],
    ['A horse gallops at', 12, 30],
    ['A swimmer swims at', 1.6, 75],
  ] as const
).forEach(([who, v, t], i) => {
  u.numeric(`spd-distance-${i + 1}`, SP, `${who} a steady ${v} m/s for ${t} s. How far does it go, in metres? ${ROUND}`, v * t, {
    tolerance: 0.05,
    correct: `Right: distance = ${v} m/s × ${t} s = ${fmt(v * t)} m.`,
    incorrect: `distance = speed × time = ${v} m/s × ${t} s = ${fmt(v * t)} m.`,
    hint: 'distance = speed × time.',
    difficulty: 1350 + i * 40,
  });
});
(
  [
    ['A bus travelling at', 15, 900],
    ['A walker moving at', 1.5, 600],
    ['A drone flying at', 8, 200],
  ] as const
).forEach(([who, v, d], i) => {
  u.numeric(`spd-time-${i + 1}`, SP, `${who} a steady ${v} m/s covers ${d} m. How long does it take, in seconds? ${ROUND}`, d / v, {
    tolerance: 0.05,
    correct: `Yes: time = ${d} m ÷ ${v} m/s = ${fmt(d / v, 3)} s.`,
    incorrect: `time = distance ÷ speed = ${d} m ÷ ${v} m/s = ${fmt(d / v, 3)} s.`,
    hint: 'time = distance ÷ speed.',
    difficulty: 1450 + i * 40,
  });
});
([90, 54] as const).forEach((kmh, i) => {
  u.numeric(`spd-kmh-${i + 1}`, SP, `A car's speedometer shows ${kmh} km/h. What is this speed in m/s? ${ROUND}`, kmh / 3.6, {
    tolerance: 0.05,
    correct: `Correct: ${kmh} km/h = ${kmh} × 1000 m ÷ 3600 s = ${fmt(kmh / 3.6, 3)} m/s.`,
    incorrect: `1 km/h is 1000 m in 3600 s, so divide by 3.6: ${kmh} ÷ 3.6 = ${fmt(kmh / 3.6, 3)} m/s.`,
    hint: '1 km = 1000 m and 1 h = 3600 s.',
    difficulty: 1600 + i * 40,
  });
});

// ---------------------------------------------------------------- 2. acceleration
const AC = 'fm-acceleration';
u.objective(
  { key: AC, title: 'Acceleration', description: 'Calculate acceleration as change in velocity ÷ time, including slowing down, and use it to find a final velocity.', prerequisites: [SP] },
  {
    lesson: [
      'Changing speed',
      '**Acceleration** is how quickly velocity changes:\n\n**acceleration = (final velocity − initial velocity) ÷ time**, or a = (v − u) ÷ t\n\nIts unit is metres per second **per second**: **m/s²**.\n\nA car goes from 0 to 20 m/s in 5 s: a = (20 − 0) ÷ 5 = **4 m/s²**: each second it goes 4 m/s faster.\n\nSlowing down gives a **negative** acceleration (a deceleration): from 15 m/s to 5 m/s in 2 s, a = (5 − 15) ÷ 2 = **−5 m/s²**.\n\nRearranged: **v = u + a × t**.',
    ],
    reteach: [
      [
        'Acceleration, second by second',
        'Write the speed at each second in a table. A bike speeds up from 2 m/s to 8 m/s in 3 s:\n\n| time (s) | 0 | 1 | 2 | 3 |\n|---|---|---|---|---|\n| speed (m/s) | 2 | 4 | 6 | 8 |\n\nThe speed grows by **2 m/s every second**: the acceleration is 2 m/s². That is the same as (8 − 2) ÷ 3 = 2. Always subtract the **starting** speed from the **final** speed, in that order.',
      ],
    ],
    enrichment: [
      'Stopping distances',
      'A car brakes with a deceleration of about 7 m/s² on a dry road and about 3.5 m/s² on ice. Starting from 14 m/s, how long does it take to stop in each case? (Use t = (v − u) ÷ a with v = 0.) Why do drivers need to leave a bigger gap in winter?',
    ],
  },
);
(
  [
    ['A car speeds up from', 0, 24, 6],
    ['A cyclist speeds up from', 3, 9, 4],
    ['A train slows down from', 30, 10, 8],
    ['A skateboarder slows down from', 6, 0, 3],
  ] as const
).forEach(([who, from, to, t], i) => {
  const a = (to - from) / t;
  u.numeric(`acc-a-${i + 1}`, AC, `${who} ${from} m/s to ${to} m/s in ${t} s. What is its acceleration in m/s²? (Slowing down gives a negative number.) ${ROUND}`, a, {
    tolerance: 0.05,
    correct: `Yes: a = (${to} − ${from}) ÷ ${t} = ${fmt(a, 3)} m/s².`,
    incorrect: `a = (final − initial) ÷ time = (${to} − ${from}) m/s ÷ ${t} s = ${fmt(a, 3)} m/s².${a < 0 ? ' It is negative because the speed goes down.' : ''}`,
    hint: 'Subtract the starting speed from the final speed, then divide by the time.',
    difficulty: 1350 + i * 50,
  });
});
(
  [
    ['A ball starts at', 2, 3, 4],
    ['A rocket starts at', 0, 15, 6],
    ['A runner starts at', 4, 0.5, 6],
  ] as const
).forEach(([who, from, a, t], i) => {
  const v = from + a * t;
  u.numeric(`acc-v-${i + 1}`, AC, `${who} ${from} m/s and accelerates at ${a} m/s² for ${t} s. What is its final speed in m/s? ${ROUND}`, v, {
    tolerance: 0.05,
    correct: `Right: v = ${from} + ${a} × ${t} = ${fmt(v)} m/s.`,
    incorrect: `Each second the speed grows by ${a} m/s, so in ${t} s it grows by ${a} × ${t} = ${fmt(a * t)} m/s: v = ${from} + ${fmt(a * t)} = ${fmt(v)} m/s.`,
    hint: 'v = u + a × t.',
    difficulty: 1500 + i * 40,
  });
});
(
  [
    ['How long does a car accelerating at 2.5 m/s² take to go from', 5, 20, 2.5],
    ['How long does a sledge accelerating at 1.5 m/s² take to go from', 0, 9, 1.5],
  ] as const
).forEach(([q, from, to, a], i) => {
  const t = (to - from) / a;
  u.numeric(`acc-t-${i + 1}`, AC, `${q} ${from} m/s to ${to} m/s? Answer in seconds. ${ROUND}`, t, {
    tolerance: 0.05,
    correct: `Yes: t = (${to} − ${from}) ÷ ${a} = ${fmt(t, 3)} s.`,
    incorrect: `The speed must grow by ${to} − ${from} = ${to - from} m/s, at ${a} m/s every second: t = ${to - from} ÷ ${a} = ${fmt(t, 3)} s.`,
    hint: 't = (v − u) ÷ a.',
    difficulty: 1600 + i * 40,
  });
});
u.choice('acc-concept-1', AC, 'A car drives along a straight road at a **constant 20 m/s**. What is its acceleration?', [['0 m/s²', true], ['20 m/s²', false], ['20 m/s', false], ['It cannot be known without the time', false]], {
  correct: 'Yes: the velocity does not change, so the acceleration is zero.',
  incorrect: 'Acceleration is the change of velocity per second. At a constant 20 m/s on a straight road nothing changes, so a = 0 m/s². (20 m/s is the speed, not the acceleration.)',
  hint: 'Does the velocity change?',
  difficulty: 1300,
});
u.choice('acc-concept-2', AC, 'Which is the unit of acceleration?', [['m/s', false], ['m/s²', true], ['N', false], ['m', false]], {
  correct: 'Right: metres per second, per second.',
  incorrect: 'Acceleration is a change of velocity (m/s) per second, so its unit is m/s². m/s is speed, N is force and m is distance.',
  hint: 'Velocity change (m/s) divided by time (s).',
  difficulty: 1200,
});

// ---------------------------------------------------------------- 3. resultant force
const RF = 'fm-resultant';
u.objective(
  { key: RF, title: 'Forces and resultant force', description: 'Combine forces acting along one line into a resultant force, and relate balanced forces to constant velocity.', prerequisites: [] },
  {
    lesson: [
      'Adding forces',
      'A **force** is a push or a pull, measured in **newtons (N)**. When several forces act on an object along one line, they combine into one **resultant force**:\n\n- Forces in the **same** direction **add**: 30 N right and 20 N right → **50 N right**.\n- Forces in **opposite** directions **subtract**: 30 N right and 20 N left → **10 N right** (towards the bigger force).\n- If the forces cancel out, the resultant is **0 N**: the forces are **balanced**.\n\nBalanced forces do **not** mean "not moving": the object stays at rest **or keeps moving at a constant velocity**. Only an unbalanced (resultant) force changes its speed or direction.',
    ],
    reteach: [
      [
        'Tug of war',
        'Picture a tug of war. Team A pulls left with 300 N and team B pulls right with 250 N. The rope moves towards A, and the resultant is 300 − 250 = **50 N to the left**. If B pulls with 300 N too, the rope does not accelerate: the forces are balanced, resultant **0 N**. Draw arrows: their lengths show the sizes, and you subtract arrows that point against each other.',
      ],
    ],
    enrichment: [
      'Forces on a skydiver',
      'Draw the forces on a skydiver just after jumping, after a few seconds, at terminal velocity, and just after opening the parachute. At each stage, say whether the forces are balanced, and whether the skydiver speeds up, slows down or moves at a constant speed. Why is the terminal velocity lower with the parachute open?',
    ],
  },
);
(
  [
    ['box', 30, 12],
    ['sledge', 45, 45],
    ['boat', 80, 95],
    ['car', 600, 450],
  ] as const
).forEach(([what, right, left], i) => {
  const r = Math.abs(right - left);
  const dir = right > left ? 'to the right' : right < left ? 'to the left' : '(balanced)';
  u.numeric(`res-opposite-${i + 1}`, RF, `Two forces act on a ${what}: ${right} N to the right and ${left} N to the left. What is the **size** of the resultant force, in newtons? ${ROUND}`, r, {
    tolerance: 0.05,
    correct: `Yes: ${Math.max(right, left)} − ${Math.min(right, left)} = ${r} N ${dir}.`,
    incorrect: `The forces point in opposite directions, so subtract: ${Math.max(right, left)} N − ${Math.min(right, left)} N = ${r} N ${dir}.`,
    hint: 'Opposite directions: subtract the smaller force from the bigger one.',
    difficulty: 1250 + i * 40,
  });
  u.choice(
    `res-direction-${i + 1}`,
    RF,
    `A ${what} is pushed ${right} N to the right and ${left} N to the left. What happens to its motion?`,
    [
      ['It accelerates to the right', right > left],
      ['It accelerates to the left', right < left],
      ['Its velocity does not change (the forces are balanced)', right === left],
    ],
    {
      correct: right === left ? 'Correct: the forces cancel, so the velocity stays the same (at rest, or moving steadily).' : `Correct: the resultant is ${r} N ${dir}, so it accelerates that way.`,
      incorrect:
        right === left
          ? `Both forces are ${right} N in opposite directions: the resultant is 0 N. Balanced forces leave the velocity unchanged.`
          : `The resultant is ${Math.max(right, left)} − ${Math.min(right, left)} = ${r} N ${dir}; an unbalanced force accelerates the object in its direction.`,
      hint: 'Which way does the bigger force point?',
      difficulty: 1350 + i * 40,
    },
  );
});
(
  [
    ['Two people push a stuck car forward with', 250, 310],
    ['Two tugboats pull a ship forward with', 4000, 3500],
  ] as const
).forEach(([who, f1, f2], i) => {
  u.numeric(`res-same-${i + 1}`, RF, `${who} ${f1} N and ${f2} N, both in the same direction. What is the resultant force, in newtons? ${ROUND}`, f1 + f2, {
    tolerance: 0.05,
    correct: `Right: same direction, so add: ${f1} + ${f2} = ${f1 + f2} N.`,
    incorrect: `Forces in the same direction add up: ${f1} N + ${f2} N = ${f1 + f2} N.`,
    hint: 'Same direction: add.',
    difficulty: 1200 + i * 30,
  });
});
u.choice(
  'res-concept-1',
  RF,
  'A spacecraft far from any planet moves at a constant velocity with its engines **off**. What is the resultant force on it?',
  [['Zero', true], ['A forward force, to keep it moving', false], ['A backward force', false]],
  {
    correct: 'Yes: constant velocity means balanced forces, here no forces at all. Nothing is needed to keep it moving.',
    incorrect: 'An object keeps moving at a constant velocity unless a resultant force acts (Newton\'s first law). Constant velocity means the resultant force is zero; no force is needed to "keep it going".',
    hint: 'Does its velocity change?',
    difficulty: 1600,
  },
);
u.choice(
  'res-concept-2',
  RF,
  'You push a heavy box across the floor to the right. In which direction does **friction** act on the box?',
  [['To the left, against the motion', true], ['To the right, with the motion', false], ['Straight up', false], ['Friction does not act on moving objects', false]],
  {
    correct: 'Correct: friction always opposes the motion (or the attempted motion).',
    incorrect: 'Friction acts between the surfaces and always opposes the motion: the box moves right, so friction acts to the left.',
    hint: 'Friction resists sliding.',
    difficulty: 1250,
  },
);

// ---------------------------------------------------------------- 4. Newton's second law
const N2 = 'fm-newton2';
u.objective(
  { key: N2, title: "Newton's second law", description: 'Use F = m × a to find force, mass or acceleration, including with a resultant of two forces.', prerequisites: [AC, RF] },
  {
    lesson: [
      'Force, mass and acceleration',
      "**Newton's second law**: the resultant force on an object equals its mass times its acceleration.\n\n**F = m × a** (force in N, mass in kg, acceleration in m/s²)\n\n- A 1200 kg car accelerating at 2 m/s² needs a resultant force F = 1200 × 2 = **2400 N**.\n- A 20 N resultant force on a 4 kg trolley gives a = F ÷ m = 20 ÷ 4 = **5 m/s²**.\n- If 30 N gives a toy car 6 m/s², its mass is m = F ÷ a = 30 ÷ 6 = **5 kg**.\n\nUse the **resultant** force: a cart pulled with 50 N against 10 N of friction has F = 40 N.",
    ],
    reteach: [
      [
        'Why heavier is harder to speed up',
        'Push an empty shopping trolley and a full one with the same force: the empty one speeds up much more. Same F, bigger m → smaller a, because a = F ÷ m. Double the mass, halve the acceleration; double the force, double the acceleration. Check answers this way: a heavier object with the same force should get a smaller acceleration.',
      ],
    ],
    enrichment: [
      'Design a crumple zone',
      'In a crash a 70 kg passenger stops from 15 m/s. If the stop takes 0.1 s, the deceleration is 150 m/s²; with an airbag and crumple zone it takes 0.5 s. Work out the force on the passenger in each case with F = m × a. Explain how seat belts, airbags and crumple zones protect people.',
    ],
  },
);
(
  [
    ['a 1200 kg car', 1200, 2.5],
    ['a 60 kg cyclist with her bike', 60, 1.5],
    ['a 0.5 kg ball', 0.5, 30],
    ['a 3000 kg lorry', 3000, 0.8],
  ] as const
).forEach(([what, m, a], i) => {
  u.numeric(`n2-force-${i + 1}`, N2, `What resultant force, in newtons, gives ${what} (mass ${m} kg) an acceleration of ${a} m/s²? ${ROUND}`, m * a, {
    tolerance: 0.05,
    correct: `Yes: F = ${m} kg × ${a} m/s² = ${fmt(m * a)} N.`,
    incorrect: `F = m × a = ${m} kg × ${a} m/s² = ${fmt(m * a)} N.`,
    hint: 'F = m × a.',
    difficulty: 1300 + i * 40,
  });
});
(
  [
    ['trolley', 8, 24],
    ['rowing boat', 250, 500],
    ['toy car', 0.4, 2],
    ['skier', 75, 150],
  ] as const
).forEach(([what, m, f], i) => {
  u.numeric(`n2-accel-${i + 1}`, N2, `A resultant force of ${f} N acts on a ${what} of mass ${m} kg. What is its acceleration in m/s²? ${ROUND}`, f / m, {
    tolerance: 0.05,
    correct: `Right: a = ${f} N ÷ ${m} kg = ${fmt(f / m, 3)} m/s².`,
    incorrect: `a = F ÷ m = ${f} N ÷ ${m} kg = ${fmt(f / m, 3)} m/s².`,
    hint: 'a = F ÷ m.',
    difficulty: 1400 + i * 40,
  });
});
(
  [
    ['A resultant force of 45 N gives a parcel an acceleration of', 45, 3],
    ['A resultant force of 9000 N gives a van an acceleration of', 9000, 4.5],
  ] as const
).forEach(([q, f, a], i) => {
  u.numeric(`n2-mass-${i + 1}`, N2, `${q} ${a} m/s². What is its mass in kilograms? ${ROUND}`, f / a, {
    tolerance: 0.05,
    correct: `Yes: m = ${f} N ÷ ${a} m/s² = ${fmt(f / a, 3)} kg.`,
    incorrect: `m = F ÷ a = ${f} N ÷ ${a} m/s² = ${fmt(f / a, 3)} kg.`,
    hint: 'm = F ÷ a.',
    difficulty: 1550 + i * 40,
  });
});
(
  [
    ['A 5 kg sledge is pulled forward with 40 N while friction pulls back with', 5, 40, 15],
    ['A 900 kg car\'s engine gives a forward force of 3000 N while air resistance and friction push back with', 900, 3000, 1200],
  ] as const
).forEach(([q, m, fwd, back], i) => {
  const a = (fwd - back) / m;
  u.numeric(`n2-net-${i + 1}`, N2, `${q} ${back} N. What is its acceleration in m/s²? ${ROUND}`, a, {
    tolerance: 0.05,
    correct: `Correct: resultant = ${fwd} − ${back} = ${fwd - back} N, and a = ${fwd - back} ÷ ${m} = ${fmt(a, 3)} m/s².`,
    incorrect: `First the resultant force: ${fwd} N − ${back} N = ${fwd - back} N. Then a = F ÷ m = ${fwd - back} ÷ ${m} = ${fmt(a, 3)} m/s².`,
    hint: 'Use the resultant force, not just the forward force.',
    difficulty: 1700 + i * 40,
  });
});

// ---------------------------------------------------------------- 5. mass and weight
const W = 'fm-weight';
u.objective(
  { key: W, title: 'Mass and weight', description: 'Tell mass from weight and calculate weight with W = m × g on the Earth and on the Moon.', prerequisites: [RF] },
  {
    lesson: [
      'Mass is not weight',
      '**Mass** is the amount of matter in an object, measured in **kilograms (kg)**. It is the same everywhere.\n\n**Weight** is the force of gravity on the object, measured in **newtons (N)**. It depends on where you are:\n\n**W = m × g**\n\nwhere g is the gravitational field strength: **9.8 N/kg on Earth**, about **1.6 N/kg on the Moon**.\n\nA 50 kg student weighs 50 × 9.8 = **490 N** on Earth, but only 50 × 1.6 = **80 N** on the Moon. Their mass is still 50 kg.\n\nTo find a mass from a weight: m = W ÷ g. A bag weighing 98 N on Earth has mass 98 ÷ 9.8 = **10 kg**.',
    ],
    reteach: [
      [
        'Kilograms or newtons?',
        'Bathroom scales show kilograms, but they really measure how hard you push down: your weight. They are marked in kg because everyone on Earth has the same g. On the Moon the same scales would show a much smaller number, though your body (your mass) has not changed.\n\nCheck your units: if the question asks for a **force** or a **weight**, the answer is in **N**; if it asks for **mass**, the answer is in **kg**.',
      ],
    ],
    enrichment: [
      'Weighing on other worlds',
      'The gravitational field strength is about 3.7 N/kg on Mars and 24.8 N/kg on Jupiter. Work out the weight of a 12 kg backpack on Earth, the Moon, Mars and Jupiter. An astronaut can lift a 400 N load on Earth; what mass could they lift with the same force on the Moon?',
    ],
  },
);
([60, 2.5, 1500, 0.2] as const).forEach((m, i) => {
  u.numeric(`wt-weight-${i + 1}`, W, `An object has a mass of ${m} kg. What is its weight on Earth, in newtons? Use g = ${G} N/kg. ${ROUND}`, m * G, {
    tolerance: 0.05,
    correct: `Yes: W = ${m} kg × ${G} N/kg = ${fmt(m * G)} N.`,
    incorrect: `W = m × g = ${m} kg × ${G} N/kg = ${fmt(m * G)} N.`,
    hint: 'W = m × g.',
    difficulty: 1250 + i * 30,
  });
});
([196, 49, 735] as const).forEach((w, i) => {
  u.numeric(`wt-mass-${i + 1}`, W, `An object weighs ${w} N on Earth. What is its mass in kilograms? Use g = ${G} N/kg. ${ROUND}`, w / G, {
    tolerance: 0.05,
    correct: `Right: m = ${w} N ÷ ${G} N/kg = ${fmt(w / G, 3)} kg.`,
    incorrect: `m = W ÷ g = ${w} N ÷ ${G} N/kg = ${fmt(w / G, 3)} kg.`,
    hint: 'm = W ÷ g.',
    difficulty: 1400 + i * 40,
  });
});
([80, 15] as const).forEach((m, i) => {
  u.numeric(`wt-moon-${i + 1}`, W, `An astronaut's equipment has a mass of ${m} kg. What does it weigh on the Moon, in newtons? Use g = ${MOON} N/kg. ${ROUND}`, m * MOON, {
    tolerance: 0.05,
    correct: `Yes: W = ${m} kg × ${MOON} N/kg = ${fmt(m * MOON)} N. Its mass is still ${m} kg.`,
    incorrect: `On the Moon g = ${MOON} N/kg, so W = ${m} × ${MOON} = ${fmt(m * MOON)} N.`,
    hint: 'Same formula, W = m × g, with the Moon\'s g.',
    difficulty: 1450 + i * 40,
  });
});
u.choice('wt-concept-1', W, 'An astronaut with a mass of 70 kg travels from the Earth to the Moon. What happens to her mass and her weight?', [
  ['Her mass stays 70 kg; her weight gets smaller', true],
  ['Her mass and weight both get smaller', false],
  ['Her mass gets smaller; her weight stays the same', false],
  ['Neither changes', false],
], {
  correct: 'Correct: mass is the amount of matter and does not change; weight depends on g, which is smaller on the Moon.',
  incorrect: 'Mass (70 kg) is the amount of matter in her body: it is the same anywhere. Weight = m × g, and g on the Moon is about 1.6 N/kg instead of 9.8 N/kg, so her weight drops.',
  hint: 'Which one depends on gravity?',
  difficulty: 1300,
});
u.choice('wt-concept-2', W, 'In which unit is **weight** measured?', [['Kilograms (kg)', false], ['Newtons (N)', true], ['Metres per second squared (m/s²)', false], ['Joules (J)', false]], {
  correct: 'Yes: weight is a force, so it is measured in newtons.',
  incorrect: 'Weight is the force of gravity on an object, and forces are measured in newtons (N). Kilograms measure mass.',
  hint: 'Weight is a kind of force.',
  difficulty: 1150,
});
u.short('wt-concept-3', W, 'The amount of matter in an object, measured in kilograms, is called its ______. Type one word.', ['mass'], {
  correct: 'Right: mass, in kilograms.',
  incorrect: 'The amount of matter is the mass (kg). Weight is the force of gravity on that mass (N).',
  hint: 'It does not change on the Moon.',
  difficulty: 1200,
});

// ---------------------------------------------------------------- 6. work and power
const WK = 'fm-work-power';
u.objective(
  { key: WK, title: 'Work and power', description: 'Calculate the work done by a force (W = F × d), the work to lift a load, and power (P = W ÷ t).', prerequisites: [W] },
  {
    lesson: [
      'Work done and power',
      'A force does **work** when it moves something in the direction of the force:\n\n**work done = force × distance**, W = F × d (work in **joules, J**; force in N; distance in m)\n\nPushing a trolley with 40 N for 5 m: W = 40 × 5 = **200 J**.\n\nTo **lift** something at a steady speed, the force needed equals its weight (m × g), so the work is m × g × h. Lifting a 2 kg bag 1.5 m: W = 2 × 9.8 × 1.5 = **29.4 J**.\n\n**Power** is how fast work is done:\n\n**power = work done ÷ time**, P = W ÷ t (power in **watts, W**; 1 W = 1 J/s)\n\nDoing 200 J of work in 4 s is 200 ÷ 4 = **50 W**.',
    ],
    reteach: [
      [
        'No movement, no work',
        'In science, "work" needs movement **along the force**. Pushing hard on a wall that does not move does **no** work on the wall (W = F × 0 = 0), even if you get tired. Carrying a bag level across a room also does almost no work on the bag against gravity, because the lifting force is vertical and the movement is horizontal.\n\nFor power, think "joules per second": a 60 W lamp transfers 60 J every second.',
      ],
    ],
    enrichment: [
      'How powerful are you?',
      'Time yourself walking and then running up a flight of stairs. Measure the height of the stairs (count steps × height of one step). Work out the work done against gravity (m × 9.8 × h) and your power in each case. Compare with a 60 W light bulb. Why is running up the stairs more tiring if the work done is the same?',
    ],
  },
);
(
  [
    ['A shopper pushes a trolley with a force of', 40, 12],
    ['A horse pulls a cart with a force of', 600, 250],
    ['A student drags a box with a force of', 85, 3.5],
    ['A crane pulls a container sideways with a force of', 12000, 8],
  ] as const
).forEach(([who, f, d], i) => {
  u.numeric(`wk-work-${i + 1}`, WK, `${who} ${f} N over a distance of ${d} m. How much work is done, in joules? ${ROUND}`, f * d, {
    tolerance: 0.05,
    correct: `Yes: W = ${f} N × ${d} m = ${fmt(f * d)} J.`,
    incorrect: `W = F × d = ${f} N × ${d} m = ${fmt(f * d)} J.`,
    hint: 'Work = force × distance.',
    difficulty: 1300 + i * 40,
  });
});
(
  [
    [5, 2],
    [40, 1.2],
  ] as const
).forEach(([m, h], i) => {
  u.numeric(`wk-lift-${i + 1}`, WK, `How much work is done lifting a ${m} kg box straight up by ${h} m at a steady speed? Use g = ${G} N/kg and answer in joules. ${ROUND}`, m * G * h, {
    tolerance: 0.05,
    correct: `Right: the force needed is the weight, ${m} × ${G} = ${fmt(m * G)} N, and W = ${fmt(m * G)} N × ${h} m = ${fmt(m * G * h)} J.`,
    incorrect: `To lift it you must overcome its weight: ${m} kg × ${G} N/kg = ${fmt(m * G)} N. Work = force × distance = ${fmt(m * G)} × ${h} = ${fmt(m * G * h)} J.`,
    hint: 'First find the weight (m × g); then multiply by the height.',
    difficulty: 1650 + i * 40,
  });
});
(
  [
    ['A motor does', 1200, 20],
    ['A student does', 1800, 6],
    ['A lift motor does', 45000, 15],
  ] as const
).forEach(([who, w, t], i) => {
  u.numeric(`wk-power-${i + 1}`, WK, `${who} ${w} J of work in ${t} s. What is its power, in watts? ${ROUND}`, w / t, {
    tolerance: 0.05,
    correct: `Yes: P = ${w} J ÷ ${t} s = ${fmt(w / t, 3)} W.`,
    incorrect: `P = W ÷ t = ${w} J ÷ ${t} s = ${fmt(w / t, 3)} W.`,
    hint: 'Power = work done ÷ time.',
    difficulty: 1450 + i * 40,
  });
});
u.choice('wk-concept-1', WK, 'You push as hard as you can against a brick wall for a minute, but it does not move. How much work do you do on the wall?', [
  ['None', true],
  ['A lot, because you pushed hard', false],
  ['It depends on how tired you get', false],
], {
  correct: 'Correct: W = F × d and the distance is 0, so no work is done on the wall.',
  incorrect: 'Work needs movement in the direction of the force. The wall does not move (d = 0), so W = F × 0 = 0 J, however hard you push.',
  hint: 'W = F × d. What is d?',
  difficulty: 1400,
});
u.choice('wk-concept-2', WK, 'Which unit is used for **power**?', [['Joule (J)', false], ['Watt (W)', true], ['Newton (N)', false], ['Kilogram (kg)', false]], {
  correct: 'Yes: power is measured in watts; 1 W is 1 joule per second.',
  incorrect: 'Power is work per second, measured in watts (W): 1 W = 1 J/s. Joules measure work or energy, newtons force.',
  hint: 'A light bulb is labelled with it.',
  difficulty: 1150,
});

u.write(projectPath('seed', 'forces-motion.json'), {
  title: 'Forces and motion',
  description:
    'A sample mastery unit in physical science for grades 7-9: speed, distance and time; acceleration; resultant forces; Newton\'s second law; mass and weight; work and power. Most questions ask for a number calculated from the quantities given (answers accepted to one decimal place); each objective has a lesson, a reteach page, an enrichment task and 11-14 questions.',
});
