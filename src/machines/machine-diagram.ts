/**
 * The lifecycle diagram as SVG, drawn from the machine itself: Graphviz DOT generated from the
 * transitions and rendered by Graphviz compiled to WebAssembly (@viz-js/viz), so it needs no
 * browser, no system Graphviz and no network. Labels are in one language, with the identifiers a
 * client sends (state and event names) under them.
 */
import { instance, type Viz } from '@viz-js/viz';
import { TRANSITIONS, isFinal, stateLabel } from '../../machines/project.lifecycle.js';
import { EVENT_LABELS, PROJECT_MACHINE_ID, PROJECT_MACHINE_VERSION } from '../../machines/project.machine.js';
import { STATES } from '../../machines/project.types.js';
import type { Language } from '../http/language.js';

const FONT = 'Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif';

const TITLE: Record<Language, string> = { zh: '党建项目生命周期', en: 'Party-building project lifecycle' };

/**
 * A label: the words in `language` above the identifier. Plain (not HTML) labels, because Graphviz
 * centres their lines with `text-anchor="middle"`, which stays centred whatever the font's metrics.
 */
const label = (words: string, identifier: string): string => `"${words.replace(/"/g, '\\"')}\\n${identifier}"`;

const WIDE = /[\u2e80-\u9fff\uff00-\uffef]/;

/**
 * Graphviz sizes text with built-in Times metrics: it underestimates CJK characters (about one em
 * wide) and, a little, the sans-serif fonts a viewer uses. Nodes are widened to what the words need.
 */
function widthAttribute(words: string, fontSize: number): string {
  let ems = 0;
  for (const char of words) ems += WIDE.test(char) ? 1 : 0.55;
  return `, width=${Math.round(((ems * fontSize + 24) / 72) * 100) / 100}`;
}

/** Graphviz DOT of the machine, from TRANSITIONS (the machine definition itself). */
export function toDot(language: Language): string {
  const lines = [
    `digraph ${PROJECT_MACHINE_ID} {`,
    `  graph [rankdir=TB, bgcolor="white", pad=0.3, nodesep=0.4, ranksep=0.5, fontname="${FONT}", fontsize=16, labelloc=t,`,
    `         label=${label(TITLE[language], `${PROJECT_MACHINE_ID} v${PROJECT_MACHINE_VERSION}`)}];`,
    `  node [shape=box, style="rounded,filled", color="#a61b1b", fillcolor="#fff4f0", fontname="${FONT}", fontsize=13, margin="0.15,0.05"];`,
    `  edge [color="#4a4a4a", fontcolor="#333333", fontname="${FONT}", fontsize=10, arrowsize=0.7];`,
    '  start [shape=circle, label="", width=0.18, style=filled, fillcolor="#1f1f1f", color="#1f1f1f"];',
  ];
  for (const state of STATES) {
    const words = stateLabel(state)[language];
    const final = isFinal(state) ? ', peripheries=2, fillcolor="#f1f1f1", color="#6b6b6b"' : '';
    lines.push(`  ${state} [label=${label(words, state)}${widthAttribute(words, 13)}${final}];`);
  }
  lines.push('  start -> draft;');
  for (const t of TRANSITIONS) {
    const words = EVENT_LABELS[t.event][language];
    const loop = t.from === t.to ? ', style=dashed' : '';
    lines.push(`  ${t.from} -> ${t.to} [label=${label(words, t.event)}${loop}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

let viz: Promise<Viz> | null = null;
const rendered = new Map<Language, Promise<string>>();

/** The diagram as an SVG document; rendered once per language. */
export function machineSvg(language: Language): Promise<string> {
  let svg = rendered.get(language);
  if (!svg) {
    viz ??= instance();
    svg = viz.then((graphviz) => graphviz.renderString(toDot(language), { format: 'svg', engine: 'dot' }));
    rendered.set(language, svg);
  }
  return svg;
}
