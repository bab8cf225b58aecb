import type { DeepLinkPicker, DeepLinkReturn } from '../../services/deepLinking.js';

/** What the picker page shows. */
export interface PickerView {
  heading: string;
  intro: string | null;
  csrf: string;
  /** Checkboxes when the platform accepts several items, radio buttons when it accepts one. */
  inputType: 'checkbox' | 'radio';
  multipleHint: string;
  acceptsLinks: boolean;
  notAcceptedMessage: string;
  options: { value: string; title: string; description: string; checked: boolean; id: string }[];
  error: string | null;
}

/** Shapes the picker for the view; `chosen` keeps the instructor's choices after a refusal. */
export function presentPicker(p: DeepLinkPicker, csrf: string, error: string | null = null, chosen: readonly string[] = []): PickerView {
  return {
    heading: p.platformTitle || `Add Masterly content to ${p.courseTitle}`,
    intro: p.platformText,
    csrf,
    inputType: p.multiple ? 'checkbox' : 'radio',
    multipleHint: p.multiple ? 'Choose one or more. Each becomes its own link and grade column.' : 'Your LMS accepts one item from this menu: choose one.',
    acceptsLinks: p.acceptsLinks,
    notAcceptedMessage: `This part of your LMS accepts only ${p.acceptTypes.join(', ')} content, and Masterly offers links to activities. Add Masterly from the LMS's "external tool" or "activity" menu instead.`,
    options: p.options.map((o, i) => ({ value: o.value, title: o.title, description: o.description, checked: chosen.includes(o.value), id: `choice-${i}` })),
    error,
  };
}

/** What the auto-submitting return page shows. */
export interface ReturnView {
  action: string;
  jwt: string;
  summary: string;
  titles: string[];
}

/** Shapes a signed response for the auto-submit page. */
export function presentReturn(r: DeepLinkReturn): ReturnView {
  const n = r.items.length;
  return {
    action: r.returnUrl,
    jwt: r.jwt,
    summary: n ? `Adding ${n} item${n === 1 ? '' : 's'} to your course…` : 'Returning to your course without adding content…',
    titles: r.items.map((i) => i.title),
  };
}
