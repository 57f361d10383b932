/**
 * ptyd answers the queries programs send their terminal, whether or not a window is open
 * (ptyd/terminal-queries.ts). A window answering as well would answer every query twice, so
 * its terminal swallows them: device attributes, status and cursor reports, mode and setting
 * requests, and colour queries. Setting a colour still works.
 */
import type { Terminal } from '@xterm/xterm';

const swallow = (): boolean => true;

export function silenceQueryReplies(term: Terminal): void {
  const { parser } = term;
  parser.registerCsiHandler({ final: 'c' }, swallow); // DA1
  parser.registerCsiHandler({ prefix: '>', final: 'c' }, swallow); // DA2
  parser.registerCsiHandler({ prefix: '=', final: 'c' }, swallow); // DA3
  parser.registerCsiHandler({ final: 'n' }, swallow); // DSR, CPR
  parser.registerCsiHandler({ prefix: '?', final: 'n' }, swallow); // DECXCPR and DEC status reports
  parser.registerCsiHandler({ intermediates: '$', final: 'p' }, swallow); // DECRQM (ANSI)
  parser.registerCsiHandler({ prefix: '?', intermediates: '$', final: 'p' }, swallow); // DECRQM (DEC)
  parser.registerDcsHandler({ intermediates: '$', final: 'q' }, swallow); // DECRQSS
  for (const ident of [4, 10, 11, 12]) parser.registerOscHandler(ident, (data) => data.split(';').includes('?'));
}
