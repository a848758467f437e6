/**
 * The lifecycle diagram as SVG, drawn from the machine itself: Graphviz DOT generated from the
 * transitions and rendered by Graphviz compiled to WebAssembly (@viz-js/viz), so it needs no
 * browser, no system Graphviz and no network. Labels are in one language, with the identifiers a
 * client sends (state and event names) under them.
 */
import { instance, type Viz } from '@viz-js/viz';
import type { Lifecycle } from '../../machines/lifecycle.js';
import { projectLifecycle, projectLifecycleV2 } from '../../machines/project.lifecycle.js';
import { roundLifecycle, roundLifecycleV2 } from '../../machines/round.lifecycle.js';
import type { Language } from '../http/language.js';

/** Every lifecycle this build defines, shipped or not, each drawn to openapi/diagrams/<id>@<version>.svg. */
export const DRAWN_LIFECYCLES: readonly Lifecycle[] = [projectLifecycle, projectLifecycleV2, roundLifecycle, roundLifecycleV2];

const FONT = 'Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif';

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

/** Graphviz DOT of a machine, from its transitions (the machine definition itself); project@1 unless another is given. */
export function toDot(language: Language, lifecycle: Lifecycle = projectLifecycle): string {
  const lines = [
    `digraph ${lifecycle.id} {`,
    `  graph [rankdir=TB, bgcolor="white", pad=0.3, nodesep=0.4, ranksep=0.5, fontname="${FONT}", fontsize=16, labelloc=t,`,
    `         label=${label(lifecycle.title[language], `${lifecycle.id} v${lifecycle.version}`)}];`,
    `  node [shape=box, style="rounded,filled", color="#a61b1b", fillcolor="#fff4f0", fontname="${FONT}", fontsize=13, margin="0.15,0.05"];`,
    `  edge [color="#4a4a4a", fontcolor="#333333", fontname="${FONT}", fontsize=10, arrowsize=0.7];`,
    '  start [shape=circle, label="", width=0.18, style=filled, fillcolor="#1f1f1f", color="#1f1f1f"];',
  ];
  for (const state of lifecycle.states) {
    const words = lifecycle.stateLabel(state)[language];
    const final = lifecycle.isFinal(state) ? ', peripheries=2, fillcolor="#f1f1f1", color="#6b6b6b"' : '';
    lines.push(`  ${state} [label=${label(words, state)}${widthAttribute(words, 13)}${final}];`);
  }
  lines.push(`  start -> ${lifecycle.initial};`);
  for (const t of lifecycle.transitions) {
    const words = lifecycle.eventLabels[t.event]![language];
    const loop = t.from === t.to ? ', style=dashed' : '';
    lines.push(`  ${t.from} -> ${t.to} [label=${label(words, t.event)}${loop}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

let viz: Promise<Viz> | null = null;
const rendered = new Map<string, Promise<string>>();

/** A machine's diagram as an SVG document (project@1 unless another is given); rendered once per machine and language. */
export function machineSvg(language: Language, lifecycle: Lifecycle = projectLifecycle): Promise<string> {
  const key = `${lifecycle.key} ${language}`;
  let svg = rendered.get(key);
  if (!svg) {
    viz ??= instance();
    svg = viz.then((graphviz) => graphviz.renderString(toDot(language, lifecycle), { format: 'svg', engine: 'dot' }));
    rendered.set(key, svg);
  }
  return svg;
}
