// The demo shop: only recd's public HTTP API. Views, carts and searches are sent as events;
// the "recommended for you" strip is kept fresh by the shopper's event stream (SSE).
const params = new URLSearchParams(location.search);
const user = params.get('user') || localStorage.getItem('recd-demo-user') || `visitor-${Math.random().toString(36).slice(2, 8)}`;
localStorage.setItem('recd-demo-user', user);
window.recdShop = { loadedAt: Date.now(), user, lists: 0 };
document.getElementById('who').textContent = user;

const items = new Map();  // id -> item JSON, fetched once (a failed fetch is tried again later)
async function item(id) {
  if (!items.has(id)) {
    items.set(id, fetch(`/v1/items/${encodeURIComponent(id)}`)
      .then(r => (r.ok ? r.json() : { id, title: id }))
      .catch(() => { items.delete(id); return { id, title: id }; }));
  }
  return items.get(id);
}

// GET `url` as JSON; an error answer (503 while recd restores its state, ...) gives `fallback`.
async function getJson(url, fallback) {
  try {
    const r = await fetch(url);
    return r.ok ? await r.json() : fallback;
  } catch {
    return fallback;
  }
}

async function send(type, itemId, extra = {}) {
  await fetch('/v1/events', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user, type, ...(itemId ? { item: itemId } : {}), ...extra }) });
}

function price(it) { return it.price !== undefined ? `€${Number(it.price).toFixed(2)}` : ''; }

// Cards for `entries` ({item, reason?}) into `el`; clicking opens the product. A render that
// finishes after a newer one into the same element is dropped.
const renders = new WeakMap();
async function render(el, entries, recommId) {
  const ticket = (renders.get(el) || 0) + 1;
  renders.set(el, ticket);
  const cards = await Promise.all(entries.map(async e => {
    const it = await item(e.item);
    const card = document.createElement('div');
    card.className = 'card';
    card.dataset.item = e.item;
    card.innerHTML = `<div class="title"></div><div class="meta"></div>${e.reason ? '<div class="reason"></div>' : ''}`;
    card.querySelector('.title').textContent = it.title || e.item;
    card.querySelector('.meta').textContent = `${(it.categories || [''])[0]} ${price(it)}`;
    if (e.reason) card.querySelector('.reason').textContent = e.reason;
    card.addEventListener('click', () => openProduct(e.item, recommId));
    return card;
  }));
  if (renders.get(el) === ticket) el.replaceChildren(...cards);
}

let current = null;
async function openProduct(id, recommId) {
  current = id;
  const it = await item(id);
  document.getElementById('product').hidden = false;
  document.getElementById('product-title').textContent = it.title || id;
  document.getElementById('product-meta').textContent = `${it.brand || ''} · ${(it.categories || []).join(', ')} · ${price(it)}`;
  await send('view', id, recommId ? { recomm_id: recommId } : {});
  const similar = await getJson(`/v1/items/${encodeURIComponent(id)}/similar?n=6`, { items: [] });
  render(document.getElementById('similar'), similar.items, similar.recomm_id);
}

const cart = [];
document.getElementById('add-to-cart').addEventListener('click', async () => {
  if (!current) return;
  await send('add_to_cart', current);
  cart.push(current);
  document.getElementById('cart-count').textContent = `cart: ${cart.length}`;
  const titles = await Promise.all(cart.map(async id => (await item(id)).title || id));
  document.getElementById('cart').textContent = titles.join(' · ');
});
document.getElementById('close-product').addEventListener('click', () => { document.getElementById('product').hidden = true; });

async function showPopular() {
  const popular = await getJson('/v1/popular?n=24', { items: [] });
  document.getElementById('grid-title').textContent = 'Popular now';
  render(document.getElementById('grid'), popular.items, popular.recomm_id);
}

document.getElementById('search-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const q = document.getElementById('q').value.trim();
  if (!q) return showPopular();
  const hits = await getJson(`/v1/search?q=${encodeURIComponent(q)}&user=${encodeURIComponent(user)}&n=24`, { items: [] });
  if (hits.recomm_id) await send('search', null, { query: q, recomm_id: hits.recomm_id });
  document.getElementById('grid-title').textContent = `Results for “${q}”`;
  render(document.getElementById('grid'), hits.items || [], hits.recomm_id);
});
document.getElementById('q').addEventListener('input', async ev => {
  const q = ev.target.value;
  if (q.length < 2) return;
  const s = await getJson(`/v1/search/suggest?q=${encodeURIComponent(q)}&n=6`, { suggestions: [] });
  document.getElementById('suggestions').replaceChildren(...(s.suggestions || []).map(t => Object.assign(document.createElement('option'), { value: t })));
});

// The live strip: the first message is the current list, later ones arrive as behaviour changes
// it. EventSource reconnects by itself after a dropped connection; after an error answer (503
// while recd starts) it gives up, so the stream is opened again a few seconds later.
function listen() {
  const stream = new EventSource(`/v1/users/${encodeURIComponent(user)}/stream?n=6`);
  stream.addEventListener('recommendations', ev => {
    const list = JSON.parse(ev.data);
    window.recdShop.lists += 1;
    const el = document.getElementById('recommended');
    el.dataset.listId = ev.lastEventId;
    document.getElementById('live').textContent = `· live, update ${window.recdShop.lists}`;
    render(el, list.items, list.recomm_id);
  });
  stream.onerror = () => {
    if (stream.readyState === EventSource.CLOSED) setTimeout(listen, 3000);
  };
}
listen();

showPopular();
