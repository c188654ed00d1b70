/**
 * The fenced code blocks of a markdown guide, with their `file=` / `excerpt=` attributes
 * (docs/writing-a-plugin.md: plugin-guide.test.ts follows them, plugin-guide-learning.test.ts
 * trains the plugin they define).
 */

export interface Block {
  readonly line: number;
  readonly lang: string;
  readonly file?: string;
  readonly excerpt?: string;
  readonly body: string;
}

export function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    const attrs = Object.fromEntries([...open[2]!.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    blocks.push({
      line: start + 1,
      lang: open[1]!,
      ...(attrs.file ? { file: attrs.file } : {}),
      ...(attrs.excerpt ? { excerpt: attrs.excerpt } : {}),
      body: body.join('\n') + '\n',
    });
  }
  return blocks;
}
