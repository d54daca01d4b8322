// The operator dashboard: live rates from /metrics, the models, a retrain button, the shopper
// inspector (/v1/inspect) and the latest `recd eval --html` report.
const samples = [];  // {t, events, requests, seconds} from /metrics, every second
const kept = 120;

function metric(text, name) {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name + ' ') || line.startsWith(name + '{')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

function chart(svg, values, unit) {
  const w = 400, h = 160, pad = 18;
  const max = Math.max(1e-9, ...values);
  // The window fills the width as samples arrive (up to `kept` of them, the last two minutes).
  const points = values.map((v, i) => `${(i / Math.max(1, values.length - 1)) * w},${h - pad - (v / max) * (h - 2 * pad)}`).join(' ');
  const last = values.length ? values[values.length - 1] : 0;
  svg.innerHTML = `<polyline points="${points}"></polyline><text x="4" y="12">max ${max.toFixed(unit === 'ms' ? 3 : 0)} ${unit}</text>` +
                  `<text x="4" y="${h - 4}">now ${last.toFixed(unit === 'ms' ? 3 : 0)} ${unit}</text>`;
  svg.dataset.points = String(values.length);
}

async function poll() {
  let text;
  try {
    text = await (await fetch('/metrics')).text();
  } catch {
    return;  // recd restarting: the next poll tries again
  }
  samples.push({ t: performance.now() / 1000, events: metric(text, 'recd_events_ingested_total'),
                 requests: metric(text, 'recd_http_request_duration_seconds_count'),
                 seconds: metric(text, 'recd_http_request_duration_seconds_sum') });
  if (samples.length > kept + 1) samples.shift();
  const rates = [], latency = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1], b = samples[i], dt = Math.max(1e-3, b.t - a.t);
    rates.push((b.events - a.events) / dt);
    const n = b.requests - a.requests;
    latency.push(n > 0 ? ((b.seconds - a.seconds) / n) * 1000 : 0);
  }
  chart(document.getElementById('events-chart'), rates, 'ev/s');
  chart(document.getElementById('latency-chart'), latency, 'ms');
}

function rows(table, list, cells) {
  table.querySelector('tbody').replaceChildren(...list.map(x => {
    const tr = document.createElement('tr');
    for (const [text, cls] of cells(x)) tr.appendChild(Object.assign(document.createElement('td'), { textContent: text, className: cls || '' }));
    return tr;
  }));
}

async function models() {
  const r = await fetch('/v1/models').catch(() => null);
  if (!r || !r.ok) return;
  const m = await r.json();
  rows(document.getElementById('models'), m.models || [], x => [[x.name], [x.spec], [x.version], [new Date(x.built_at_ms).toLocaleTimeString()],
    [x.events_used], [x.train_ms ?? '']]);
}

async function webhooks() {
  const [hooks, deliveries] = await Promise.all(['/v1/webhooks', '/v1/webhooks/deliveries'].map(u =>
    fetch(u).then(r => (r.ok ? r.json() : null)).catch(() => null)));
  if (hooks) rows(document.getElementById('webhooks'), hooks.webhooks, h => [[h.id], [h.url], [h.triggers.join(', ')], [h.users.length ? h.users.join(', ') : 'all']]);
  if (deliveries) {
    const list = [...deliveries.pending.map(d => ({ ...d, state: 'pending' })), ...deliveries.dead_letters.map(d => ({ ...d, state: 'dead letter' }))];
    rows(document.getElementById('deliveries'), list, d => [[d.id], [d.state, d.state === 'dead letter' ? 'removed' : ''], [d.attempts], [d.last_error]]);
  }
}

document.getElementById('retrain').addEventListener('click', async () => {
  const status = document.getElementById('retrain-status');
  status.textContent = 'training…';
  const r = await fetch('/v1/models/retrain?wait=true', { method: 'POST' });
  status.textContent = r.ok ? 'done' : `failed (${r.status})`;
  models();
});

document.getElementById('inspect-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const user = document.getElementById('inspect-user').value.trim(), session = document.getElementById('inspect-session').value.trim();
  const q = new URLSearchParams({ ...(user ? { user } : {}), ...(session ? { session } : {}), n: '10' });
  const r = await fetch(`/v1/inspect?${q}`);
  const body = await r.json();
  const status = document.getElementById('inspect-status');
  if (!r.ok) { status.textContent = body.error ? body.error.message : `HTTP ${r.status}`; return; }
  status.textContent = `${body.history.events.length} recent events`;
  rows(document.getElementById('history'), body.history.events, e => [[e.item], [e.type], [new Date(e.timestamp).toLocaleString()]]);
  rows(document.getElementById('final'), body.list.items, e => [[e.item], [e.source], [e.reason]]);
  document.getElementById('sources').replaceChildren(...body.sources.map(s => {
    const div = document.createElement('div');
    div.innerHTML = '<h2></h2><table><thead><tr><th>candidate</th><th>score</th><th>removed by</th></tr></thead><tbody></tbody></table>';
    div.querySelector('h2').textContent = `Candidates: ${s.name}`;
    rows(div.querySelector('table'), s.candidates, c => [[c.item], [c.score.toFixed(3)], [c.removed_by || '—', c.removed_by ? 'removed' : '']]);
    return div;
  }));
});

models();
webhooks();
poll();
setInterval(poll, 1000);
setInterval(webhooks, 5000);
