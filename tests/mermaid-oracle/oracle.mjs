// Mermaid's own reading of journey diagrams, for cjmgen's conformance tests.
// Reads a JSON array of diagram texts on stdin; prints a JSON array with, for each,
// {ok: true, title, accTitle, accDescr, sections, tasks} or {ok: false, error}.
// Mermaid needs a DOM for DOMPurify: jsdom gives it one. Rendering itself fails in
// jsdom (no CSSStyleSheet) after the parser has filled the journey's db, which is all
// that is read here; mermaid.parse() decides whether the text is accepted.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, logLevel: 5 });

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const texts = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const db = (await mermaid.mermaidAPI.getDiagramFromText('journey\n')).db;
const results = [];
let n = 0;
for (const text of texts) {
  try {
    const parsed = await mermaid.parse(text);
    if (parsed.diagramType !== 'journey') {
      results.push({ ok: false, error: `not a journey: ${parsed.diagramType}` });
      continue;
    }
  } catch (error) {
    results.push({ ok: false, error: String(error.message || error).split('\n').slice(0, 4).join('\n') });
    continue;
  }
  // mermaid.parse() fills the journey's db (all but a frontmatter title) ...
  const result = {
    ok: true,
    accTitle: db.getAccTitle(),
    accDescr: db.getAccDescription(),
    sections: [...db.getSections()],
    tasks: db.getTasks().map((t) => ({ section: t.section, task: t.task, score: Number.isNaN(t.score) ? 'NaN' : t.score, people: t.people })),
  };
  // ... mermaid.render() passes the frontmatter title too, then fails drawing in jsdom.
  try {
    await mermaid.render(`oracle${n++}`, text);
  } catch {
    // drawing needs a real browser (CSSStyleSheet); the title is set before it fails
  }
  result.title = db.getDiagramTitle();
  results.push(result);
  document.body.innerHTML = '';
}
process.stdout.write(JSON.stringify(results));
