'use strict';
// Polls the lab's JSON twice a second and shows it; the buttons start experiments (POST).
const $ = id => document.getElementById(id);
const fmt = v => (v === null || v === undefined) ? '—' : (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : String(v));
let updates = 0;

function lineChart(canvas, datasets, yOptions) {
  return new Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets },
    options: { animation: false, responsive: true, maintainAspectRatio: false,
      elements: { point: { radius: 2 } },
      scales: { x: { ticks: { maxTicksLimit: 8 } }, ...yOptions },
      plugins: { legend: { position: 'bottom' } } }
  });
}

const throughputChart = lineChart($('chart-throughput'), [
  { label: 'Echo tasks/s', data: [], borderColor: '#2563eb', yAxisID: 'y' },
  { label: "Liberty tasks/s", data: [], borderColor: '#c2410c', yAxisID: 'y' },
  { label: 'Echo LOW queued', data: [], borderColor: '#93c5fd', borderDash: [4, 3], yAxisID: 'q' },
  { label: 'Liberty waiting', data: [], borderColor: '#fdba74', borderDash: [4, 3], yAxisID: 'q' }
], { y: { beginAtZero: true, title: { display: true, text: 'tasks/s' } },
     q: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'queued' } } });

const latencyChart = lineChart($('chart-latency'), [
  { label: 'Echo HIGH p99', data: [], borderColor: '#2563eb', spanGaps: true },
  { label: "Liberty HIGH p99", data: [], borderColor: '#c2410c', spanGaps: true }
], { y: { type: 'logarithmic', title: { display: true, text: 'ms' } } });

function show(d) {
  const e = d.echo, l = d.liberty;
  $('echo-workers').textContent = e.workers;
  for (const p of ['HIGH', 'NORMAL', 'LOW']) $('echo-depth-' + p).textContent = e.queueDepth[p];
  $('echo-busy').textContent = e.busyWorkers;
  $('echo-parked').textContent = e.parkedWorkers;
  $('echo-throughput').textContent = e.throughput;
  $('echo-steals').textContent = e.steals;
  $('echo-completed').textContent = e.completed;
  for (const [lane, j] of [['echo', e], ['liberty', l]]) {
    $(lane + '-high-p50').textContent = fmt(j.wait.HIGH.p50);
    $(lane + '-high-p99').textContent = fmt(j.wait.HIGH.p99);
    $(lane + '-low-p50').textContent = fmt(j.wait.LOW.p50);
    $(lane + '-low-p99').textContent = fmt(j.wait.LOW.p99);
    $(lane + '-high-finished').textContent = j.finished.HIGH;
    $(lane + '-low-finished').textContent = j.finished.LOW;
    $(lane + '-flood-finished').textContent = j.finished.FLOOD;
  }
  $('liberty-waiting-HIGH').textContent = l.waiting.HIGH;
  $('liberty-waiting-LOW').textContent = l.waiting.LOW;
  $('liberty-waiting-FLOOD').textContent = l.waiting.FLOOD;
  $('liberty-throughput').textContent = l.throughput;

  const h = d.history;
  const labels = h.map(p => new Date(p.t).toLocaleTimeString());
  throughputChart.data.labels = labels;
  throughputChart.data.datasets[0].data = h.map(p => p.echoThroughput);
  throughputChart.data.datasets[1].data = h.map(p => p.libertyThroughput);
  throughputChart.data.datasets[2].data = h.map(p => p.echoLowQueued);
  throughputChart.data.datasets[3].data = h.map(p => p.libertyWaiting);
  throughputChart.update();
  latencyChart.data.labels = labels;
  latencyChart.data.datasets[0].data = h.map(p => p.echoHighP99);
  latencyChart.data.datasets[1].data = h.map(p => p.libertyHighP99);
  latencyChart.update();

  const ops = $('operations');
  ops.replaceChildren(...d.operations.map(op => {
    const li = document.createElement('li');
    li.className = op.state;
    li.dataset.kind = op.kind;
    li.dataset.state = op.state;
    const bar = document.createElement('progress');
    bar.max = 1;
    bar.value = op.progress;
    li.append(`#${op.id} ${op.kind} on ${op.lane}: `, bar, ` ${Math.round(op.progress * 100)} % · ${op.state} · ${op.detail}`);
    return li;
  }));
  if (d.actions) showActions(d.actions);
  if (d.compare) $('compare-summary').textContent = d.compare.summary;
  $('updated').textContent = new Date(d.time).toLocaleTimeString();
  $('update-count').textContent = ++updates;
}

function showActions(a) {
  $('actions-queue').textContent = a.queue;
  const rows = Object.entries(a.byServer).map(([server, states]) => {
    const n = s => states[s] || 0;
    const tr = document.createElement('tr');
    tr.dataset.server = server;
    for (const v of [server, n('SUCCEEDED'), n('QUEUED') + n('DELAYED') + n('RUNNING') + n('RETRY_WAIT'),
                     n('FAILED') + ' / ' + n('CANCELLED')]) {
      const td = document.createElement('td');
      td.textContent = v; // server names are text, never markup
      tr.append(td);
    }
    return tr;
  });
  $('actions-by-server').tBodies[0].replaceChildren(...rows);
}

async function poll() {
  try {
    const r = await fetch('api/lab', { cache: 'no-store' });
    if (r.ok) show(await r.json());
  } catch (err) {
    $('message').textContent = 'dashboard unreachable: ' + err;
  } finally {
    setTimeout(poll, 500);
  }
}

async function start(path) {
  const msg = $('message');
  try {
    // the header marks a request from this page: another site cannot send it (see DashboardHeaderFilter)
    const r = await fetch(path, { method: 'POST', headers: { 'X-Echo-Dashboard': '1' } });
    const body = await r.json();
    msg.className = r.ok ? '' : 'error';
    msg.textContent = r.ok ? (body.operation !== undefined ? `operation #${body.operation} started` : `${body.accepted} actions accepted (${body.queue} queue)`) : body.error;
  } catch (err) {
    msg.className = 'error';
    msg.textContent = String(err);
  }
}

const lane = () => $('lane').value;
$('btn-backlog').onclick = () => start(`api/lab/backlog?lane=${lane()}&count=${encodeURIComponent($('backlog-count').value)}&millis=1`);
$('btn-high').onclick = () => start(`api/lab/high?lane=${lane()}&count=50&spacing=20`);
$('btn-flood').onclick = () => start(`api/lab/flood?lane=${lane()}&seconds=3`);
$('btn-compare').onclick = () => start(`api/lab/compare?backlog=${encodeURIComponent($('backlog-count').value)}&probes=100`);
$('btn-actions').onclick = () => start(`api/lab/actions?count=${encodeURIComponent($('actions-count').value)}&millis=5`);
poll();
