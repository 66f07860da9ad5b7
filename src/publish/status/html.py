"""The `publish status --format html` page: one self-contained file, inline style, no
requests, every value escaped; its tables sort by a click with a few lines of script, and
read worst first without it."""

from __future__ import annotations

from .formats import summary_cells, work_text
from .states import RANK, STATES, Summary
from .view import StatusView

_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>Translation status{{ scope }}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
p.note { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .5rem; text-align: left;
         vertical-align: top; }
th { background: #f4f4f6; position: sticky; top: 0; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
th button { font: inherit; font-weight: bold; border: 0; background: none; padding: 0;
            cursor: pointer; color: inherit; }
th[aria-sort=ascending] button::after { content: " \\25B2"; }
th[aria-sort=descending] button::after { content: " \\25BC"; }
.s { display: inline-block; padding: 0 .45rem; border-radius: .6rem; font-size: .85rem;
     font-weight: 600; }
.missing { background: #fde2e1; color: #8a1c17; } .outdated { background: #fff1c2; color: #6b4f00; }
.machine { background: #f1e3fb; color: #5b2a86; } .current { background: #dff3fb; color: #0b5a78; }
.original { background: #e1f5e4; color: #1e6b2e; }
code { font-size: .9em; } tr:hover td { background: #fafafa; }
</style>
</head>
<body>
<h1>Translation status{{ scope }}</h1>
<p class="note">{{ view.selected }} papers; coverage is the share of papers that are original
or current in a language. Work left counts the source text still to translate or check.</p>
{% for note in view.notes %}
<p class="note">{{ note }}</p>
{% endfor %}
{% macro head(first) %}
<thead><tr>
{% for name in first %}<th>{{ name }}</th>{% endfor %}
<th class="n">papers</th>{% for s in states %}<th class="n">{{ s }}</th>{% endfor %}
<th class="n">coverage</th><th class="n">work left</th>
</tr></thead>
{% endmacro %}
<h2>By language</h2>
<table>
{{ head(["language"]) }}
<tbody>
{% for lang, s in view.summary.items() %}
<tr><td>{{ lang }}</td>{{ cells(s, lang) }}</tr>
{% endfor %}
</tbody>
</table>
{% if view.lists %}
<h2>By reading list</h2>
<table class="sortable">
{{ head(["list", "language"]) }}
<tbody>
{% for lid, sums in view.lists.items() %}{% for lang, s in sums.items() %}
<tr><td>{{ lid }}</td><td>{{ lang }}</td>{{ cells(s, lang) }}</tr>
{% endfor %}{% endfor %}
</tbody>
</table>
{% endif %}
{% if view.detailed %}
<h2>Blocks</h2>
<p class="note">Line: in <code>content/&lt;lang&gt;/&lt;paper&gt;.md</code> (— when the text
is missing); source: the block it translates, or the original itself.</p>
<table class="sortable">
<thead><tr><th>paper</th><th>lang</th><th class="n">line</th><th>state</th><th>source</th>
<th>text</th></tr></thead>
<tbody>
{% for p in view.rows() %}{% for b in p.blocks %}
<tr><td>{{ b.paper }}</td><td>{{ b.lang }}</td>
<td class="n" data-sort="{{ b.line or 0 }}">{{ b.line or "—" }}</td>
<td data-sort="{{ rank[b.state] }}"><span class="s {{ b.state }}">{{ b.state }}</span>
{%- if b.machine and b.state == "outdated" %} (machine){% endif %}</td>
<td>{{ b.source_lang }}:{{ b.source_line }}</td>
<td lang="{{ b.source_lang }}">{{ b.shown }}</td></tr>
{% endfor %}{% endfor %}
</tbody>
</table>
{% else %}
<h2>Papers, worst first{% if view.states %} ({{ view.states | join(", ") }}){% endif %}</h2>
<table class="sortable">
<thead><tr><th>paper</th><th>title</th>
{% for lang in view.languages %}<th>{{ lang }}</th>{% endfor %}
{% for lang in view.languages %}<th class="n">work {{ lang }}</th>{% endfor %}
</tr></thead>
<tbody>
{% for p in view.rows() %}
<tr><td>{{ p.id }}</td><td>{{ p.title }}</td>
{% for st in p.states.values() %}
<td data-sort="{{ rank[st] }}"><span class="s {{ st }}">{{ st }}</span></td>
{% endfor %}
{% for n in p.work.values() %}
<td class="n" data-sort="{{ n }}">{{ "{:,}".format(n) }}</td>
{% endfor %}
</tr>
{% endfor %}
</tbody>
</table>
{% endif %}
{% if lost %}
<h2>Orphan translations</h2>
<p class="note">Their source block cannot be found: deleted, or edited beyond the blocks
around it.</p>
<ul>
{% for o in lost %}
<li><code>{{ view.path(o.lang, o.paper) }}:{{ o.line }}</code>: {{ o.reason }}
<q lang="{{ o.lang }}">{{ o.text }}</q></li>
{% endfor %}
</ul>
{% endif %}
<script>
// Sorting is an extra: without script the tables read worst first, as generated.
for (const table of document.querySelectorAll("table.sortable")) {
  table.querySelectorAll("th").forEach((th, col) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.replaceChildren(button);
    button.addEventListener("click", () => {
      const up = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(h => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      const key = td => td.dataset.sort ?? td.textContent;
      const rows = [...table.tBodies[0].rows];
      const numeric = rows.every(r => !isNaN(parseFloat(key(r.cells[col]))));
      rows.sort((a, b) => {
        const x = key(a.cells[col]), y = key(b.cells[col]);
        const c = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
        return up ? c : -c;
      });
      const sorted = document.createDocumentFragment();
      for (const row of rows) sorted.appendChild(row);
      table.tBodies[0].appendChild(sorted);
    });
  });
}
</script>
</body>
</html>
"""


def render_html(view: StatusView) -> str:
    """A page that needs nothing else: inline style, no requests, every value escaped."""
    from jinja2 import Environment
    from markupsafe import Markup, escape

    def cells(s: Summary, lang: str) -> Markup:
        values = [*summary_cells(s), work_text(view, lang, s.words_to_translate)]
        return Markup("".join(f'<td class="n">{escape(v)}</td>' for v in values))

    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    scope = f" — {view.list_id}" if view.list_id else ""
    return env.from_string(_HTML).render(
        view=view, states=STATES, rank=RANK, cells=cells, scope=scope,
        lost=[o for o in view.orphans if not o.superseded])
