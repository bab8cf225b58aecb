import type { DeepLinkPicker, DeepLinkReturn } from '../../services/deepLinking.js';
import type { Translate } from '../../i18n/index.js';

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
export function presentPicker(p: DeepLinkPicker, csrf: string, t: Translate, error: string | null = null, chosen: readonly string[] = []): PickerView {
  return {
    heading: p.platformTitle || t('deepLinking.heading', { course: p.courseTitle }),
    intro: p.platformText,
    csrf,
    inputType: p.multiple ? 'checkbox' : 'radio',
    multipleHint: t(p.multiple ? 'deepLinking.multipleHint' : 'deepLinking.singleHint'),
    acceptsLinks: p.acceptsLinks,
    notAcceptedMessage: t('deepLinking.notAccepted', { types: p.acceptTypes.join(', ') }),
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
export function presentReturn(r: DeepLinkReturn, t: Translate): ReturnView {
  const n = r.items.length;
  return {
    action: r.returnUrl,
    jwt: r.jwt,
    summary: n ? t('deepLinking.adding', { count: n }) : t('deepLinking.returningEmpty'),
    titles: r.items.map((i) => i.title),
  };
}
