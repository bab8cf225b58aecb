import { CourseFile } from '../src/services/importCourse.js';

/** A course exercising every item kind, feedback, hints, GIFT's special characters and multi-line Markdown. */
export function aRichCourse(): CourseFile {
  const fb = (c: string, i: string) => ({ correct: c, incorrect: i });
  return CourseFile.parse({
    format: 'masterly-course/1',
    course: { title: 'Fractions', description: 'Year 5' },
    objectives: [
      { key: 'halves', title: 'Halves and quarters', description: 'Finding halves', prerequisites: [] },
      { key: 'amounts', title: 'Fractions of amounts', description: 'Of numbers', prerequisites: ['halves'] },
    ],
    items: [
      { key: 'h1', objective: 'halves', kind: 'mc_single', prompt: 'What is **half** of 8?\n\nThink: 8 = 4 + 4 {not 5} #1 ~ok', choices: [{ key: 'a', text: '2' }, { key: 'b', text: '4' }, { key: 'c', text: '16' }], answer: ['b'], feedback: fb('Yes: 4.', 'Share 8 into 2 equal groups.'), hint: 'Draw 8 dots.' },
      { key: 'h2', objective: 'halves', kind: 'mc_multi', prompt: 'Which equal one half?', choices: [{ key: 'a', text: '2/4' }, { key: 'b', text: '3/6' }, { key: 'c', text: '2/3' }, { key: 'd', text: '5/10' }], answer: ['a', 'b', 'd'], feedback: fb('Right.', '2/3 is more than a half.') },
      { key: 'h3', objective: 'halves', kind: 'mc_single', prompt: 'A quarter is smaller than a half.', choices: [{ key: 'true', text: 'True' }, { key: 'false', text: 'False' }], answer: ['true'], feedback: fb('More pieces, smaller pieces.', 'Compare a pizza cut in 4 and in 2.') },
      { key: 'a1', objective: 'amounts', kind: 'numeric', prompt: 'What is a quarter of 20?', answer: { value: 5, tolerance: 0.1 }, feedback: fb('20 ÷ 4 = 5.', 'Divide 20 by 4.') },
      { key: 'a2', objective: 'amounts', kind: 'short', prompt: 'One of two equal parts is one ___.', answer: { accepted: ['half', 'a half'], caseSensitive: false }, feedback: fb('Well done.', 'Two equal parts: each is a half.') },
      { key: 'a3', objective: 'amounts', kind: 'numeric', prompt: 'Half of 7?', answer: { value: 3.5, tolerance: 0 }, feedback: fb('3.5', '') },
    ],
    content: [{ key: 'halves-lesson', objective: 'halves', kind: 'lesson', title: 'Halves', body: 'Two equal parts.' }],
  });
}

