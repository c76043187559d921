// Labels of the coded values the tablet shows outside a form (Today, the records list): message ids for t(),
// marked with N_ so that Babel extracts them.
import { N_ } from './i18n.js';

/** @type {Record<string, string>} */
export const SESSIONS = { morning: N_('Morning'), afternoon: N_('Afternoon') };

/** @type {Record<string, string>} */
export const GRADES = {
  k: N_('Kindergarten'), p1: N_('Grade 1'), p2: N_('Grade 2'), p3: N_('Grade 3'), p4: N_('Grade 4'),
  p5: N_('Grade 5'), p6: N_('Grade 6'),
};

/** An agreed action's status, closed at the next visit. @type {Record<string, string>} */
export const ACTION_STATUSES = { done: N_('Carried out'), in_progress: N_('In progress'), not_done: N_('Not done') };
