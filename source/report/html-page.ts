// The style and the in-page script of an --html report: plain CSS and ES2020 run by the
// browser, no modules, no requests. The script draws the charts with uPlot from the
// embedded JSON and makes the tables sortable; every figure is already text in the page.

export const pageStyle = `
:root {
	--fg: #1d1f23; --muted: #5b616b; --bg: #ffffff; --panel: #f4f5f7; --line: #d7dae0;
	--pass: #1b7a34; --fail: #b3261e;
	--c-sent: #1b7a34; --c-failed: #b3261e; --c-queued: #1f5fbf; --c-inflight: #8a4fbf;
	--c-p50: #1f5fbf; --c-p95: #c77700; --c-p99: #b3261e; --c-bar: #1f5fbf; --c-deadline: #b3261e; --c-answer: #1b7a34;
	--c-segments: #0f7b8a; --c-cap: #b3261e; --c-throttled: #c77700; --c-delivered: #0f7b8a; --c-reach: #1f5fbf; --c-mark: #b3261e;
}
@media (prefers-color-scheme: dark) {
	:root {
		--fg: #e6e8eb; --muted: #a3a9b3; --bg: #16181c; --panel: #202329; --line: #3a3f47;
		--pass: #5cc97a; --fail: #ff7a70;
		--c-sent: #5cc97a; --c-failed: #ff7a70; --c-queued: #6ea8ff; --c-inflight: #c49bff;
		--c-p50: #6ea8ff; --c-p95: #ffb547; --c-p99: #ff7a70; --c-bar: #6ea8ff; --c-deadline: #ff7a70; --c-answer: #5cc97a;
		--c-segments: #4fd1c5; --c-cap: #ff7a70; --c-throttled: #ffb547; --c-delivered: #4fd1c5; --c-reach: #6ea8ff; --c-mark: #ff7a70;
	}
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.1em; margin: 24px 0 8px; }
.settings, .hint, .note, footer { color: var(--muted); }
.hint { font-size: 0.9em; margin: 4px 0; }
.outcome { font-weight: 600; font-size: 1.1em; padding: 8px 12px; border-left: 4px solid; background: var(--panel); }
.outcome.pass { border-color: var(--pass); }
.outcome.fail { border-color: var(--fail); }
.thresholds { list-style: none; padding: 0; }
.thresholds .pass .mark { color: var(--pass); font-weight: 600; }
.thresholds .fail .mark { color: var(--fail); font-weight: 600; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 8px; margin-top: 16px; }
.figure { background: var(--panel); padding: 8px 12px; border-radius: 6px; }
.figure .label { display: block; color: var(--muted); font-size: 0.85em; }
.figure .value { font-size: 1.2em; font-variant-numeric: tabular-nums; }
.plot { width: 100%; min-height: 280px; }
.uplot, .u-legend { color: var(--fg); }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; }
#senders th:nth-child(2), #senders td:nth-child(2) { text-align: left; }
th { cursor: pointer; user-select: none; background: var(--panel); }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
footer { margin-top: 32px; font-size: 0.85em; }
@media print {
	body { max-width: none; padding: 0; font-size: 11pt; }
	@page { size: A4; margin: 15mm; }
	section, .figure, tr { break-inside: avoid; }
	th { cursor: auto; }
	.hint { display: none; }
}
`;

export const pageScript = String.raw`(function () {
	'use strict';
	var data = JSON.parse(document.getElementById('report-data').textContent);
	var style = getComputedStyle(document.documentElement);
	function color(name) { return style.getPropertyValue('--' + name).trim(); }
	var charts = [];
	window.smsDashCharts = charts;

	function axes(xLabel, yLabel, y2Label) {
		var a = {stroke: color('muted'), grid: {stroke: color('line'), width: 1}, ticks: {stroke: color('line')}};
		var list = [Object.assign({label: xLabel}, a), Object.assign({label: yLabel}, a)];
		if (y2Label) list.push(Object.assign({label: y2Label, scale: 'y2', side: 1, grid: {show: false}}, a));
		return list;
	}

	function plot(id, title, series, columns, opts) {
		var el = document.getElementById(id);
		if (!el) return;
		var options = Object.assign({
			width: Math.max(320, el.clientWidth),
			height: 280,
			series: [{label: title}].concat(series),
			scales: {x: {time: false}},
		}, opts);
		var u = new uPlot(options, columns, el);
		charts.push({id: id, u: u, series: series.map(function (s) { return {label: s.label, stroke: s.stroke || s.fill}; })});
	}

	function line(label, name, extra) {
		return Object.assign({label: label, stroke: color(name), width: 2, spanGaps: false}, extra || {});
	}

	if (data.kind === 'run') {
		// After a long quiet end (receipts awaited until the validity) the time axis stops where things stopped.
		var timeScale = data.activeUntilMs === undefined ? {time: false} : {time: false, range: [0, data.activeUntilMs / 1000]};
		var pts = data.series;
		var hasModel = pts.length > 0 && pts[0].segments !== undefined;
		var hasReceipts = pts.length > 0 && pts[0].delivered !== undefined;
		// A broker's or an SMPP run's clock is the real one (report.ts, isRealTime).
		var isReal = data.summary.smpp !== undefined || data.summary.duplicates !== undefined;
		var secondsName = isReal ? 's' : 'simulated s';
		var timeName = isReal ? 'time (s)' : 'simulated time (s)';
		var x = [], sentRate = [], failedRate = [], queued = [], inFlight = [], p50 = [], p95 = [], p99 = [];
		var segRate = [], throttledRate = [], deliveredRate = [];
		var prev = {simMs: 0, sent: 0, failed: 0, segments: 0, throttled: 0, delivered: 0};
		pts.forEach(function (p) {
			var dt = (p.simMs - prev.simMs) / 1000;
			function rate(key) { return dt > 0 ? (p[key] - prev[key]) / dt : null; }
			x.push(p.simMs / 1000);
			sentRate.push(rate('sent'));
			failedRate.push(rate('failed'));
			queued.push(p.queued);
			inFlight.push(p.inFlight);
			p50.push(p.p50Ms); p95.push(p.p95Ms); p99.push(p.p99Ms);
			if (hasModel) { segRate.push(rate('segments')); throttledRate.push(rate('throttled')); }
			if (hasReceipts) deliveredRate.push(rate('delivered'));
			prev = p;
		});
		var flow = [line('sent/s', 'c-sent'), line('failed/s', 'c-failed')];
		var flowColumns = [x, sentRate, failedRate];
		if (hasReceipts) { flow.push(line('delivered/s', 'c-delivered', {dash: [10, 3]})); flowColumns.push(deliveredRate); }
		flow.push(line('queued', 'c-queued', {scale: 'y2', dash: [6, 4]}), line('in flight', 'c-inflight', {scale: 'y2', dash: [2, 3]}));
		flowColumns.push(queued, inFlight);
		plot('chart-flow', secondsName, flow, flowColumns, {axes: axes(timeName, 'finished per second', 'messages'), scales: {x: timeScale}});
		plot('chart-latency', secondsName, [line('p50', 'c-p50'), line('p95', 'c-p95'), line('p99', 'c-p99')],
			[x, p50, p95, p99], {axes: axes(timeName, 'ms'), scales: {x: timeScale}});
		var bins = data.histogram;
		plot('chart-histogram', 'up to ms', [{
			label: 'messages', fill: color('c-bar'), stroke: color('c-bar'),
			paths: uPlot.paths.bars({size: [0.9, 60]}), points: {show: false},
		}], [bins.map(function (b, i) { return i; }), bins.map(function (b) { return b[1]; })], {
			axes: [Object.assign(axes('time per message (ms, upper bound of each bar)', 'messages')[0], {
				values: function (u, splits) { return splits.map(function (i) { var b = bins[Math.round(i)]; return b ? (b[0] < 10 ? b[0].toFixed(2) : b[0].toFixed(0)) : ''; }); },
			}), axes('', 'messages')[1]],
			scales: {x: {time: false, range: [-0.5, Math.max(0.5, bins.length - 0.5)]}},
		});
		if (hasModel) modelCharts(data.summary, data.reach, x, segRate, throttledRate, timeScale);
	} else {
		var size = data.size;
		var tried = size.tried.slice().sort(function (a, b) { return a.senders - b.senders; });
		var xs = tried.map(function (t) { return t.senders; });
		plot('chart-size', 'senders', [
			line('p50 completion', 'c-p50', {points: {show: true}}),
			line('p95 completion', 'c-p95', {points: {show: true}}),
			line('deadline', 'c-deadline', {dash: [8, 4], points: {show: false}}),
			{label: 'answer', stroke: color('c-answer'), width: 0, points: {show: true, size: 14, fill: color('c-answer')}},
		], [
			xs,
			// A late run (null) is a gap, not a point at 0.
			tried.map(function (t) { return t.p50Ms === null ? null : t.p50Ms / 1000; }),
			tried.map(function (t) { return t.p95Ms === null ? null : t.p95Ms / 1000; }),
			tried.map(function () { return size.withinMs / 1000; }),
			tried.map(function (t) { return t.senders === size.senders ? t.p95Ms / 1000 : null; }),
		], {axes: axes('senders', 'completion time (simulated s)'), scales: {x: {time: false, distr: xs.length > 1 && xs[xs.length - 1] / xs[0] > 20 ? 3 : 1}}});
	}

	// The delivery model: segments/s against the gateway cap with throttled/s, and the
	// reach curve (cumulative share of every message asked for) with its 95 % mark.
	function modelCharts(summary, reach, x, segRate, throttledRate, timeScale) {
		var cap = summary.gatewayRate;
		var seg = [line('segments/s', 'c-segments')];
		var segColumns = [x, segRate];
		if (cap !== null) { seg.push(line('gateway cap', 'c-cap', {dash: [8, 4]})); segColumns.push(x.map(function () { return cap; })); }
		seg.push(line('throttled/s', 'c-throttled', {scale: 'y2', dash: [4, 3]}));
		segColumns.push(throttledRate);
		plot('chart-segments', secondsName, seg, segColumns, {axes: axes(timeName, 'segments per second', 'throttled submits per second'), scales: {x: timeScale}});
		if (!reach) return;

		var asked = summary.produced + summary.pending;
		var p95At = summary.reachP95Ms === null ? null : summary.reachP95Ms / 1000;
		var rx = [], ry = [];
		var reached = 0;
		if (reach.length > 0 && reach[0][0] > 0) { rx.push(0); ry.push(0); }
		reach.forEach(function (b) {
			reached += b[1];
			rx.push(b[0] / 1000);
			ry.push(asked > 0 ? (reached * 100) / asked : 0);
		});
		// The p95 moment, where the 95 % line is crossed: its own x, where the curve has no point.
		var mark = rx.map(function () { return null; });
		if (p95At !== null) {
			var i = 0;
			while (i < rx.length && rx[i] < p95At) i++;
			if (rx[i] === p95At) mark[i] = 95;
			else { rx.splice(i, 0, p95At); ry.splice(i, 0, null); mark.splice(i, 0, 95); }
		}
		plot('chart-reach', 'since asked for, s', [
			line('reached %', 'c-reach', {spanGaps: true}),
			line('95 %', 'c-mark', {dash: [8, 4], width: 1}),
			{label: 'reach p95', stroke: color('c-mark'), width: 0, points: {show: true, size: 12, fill: color('c-mark')}},
		], [rx, ry, rx.map(function () { return 95; }), mark], {
			axes: axes('time since asked for (s)', '% of messages asked for'),
			scales: {x: {time: false}, y: {range: [0, 100]}},
			hooks: {draw: [function (u) {
				if (p95At === null) return;
				var px = u.valToPos(p95At, 'x', true);
				var ctx = u.ctx;
				ctx.save();
				ctx.strokeStyle = color('c-mark');
				ctx.fillStyle = color('c-mark');
				ctx.lineWidth = 1;
				ctx.setLineDash([4, 4]);
				ctx.beginPath();
				ctx.moveTo(px, u.bbox.top);
				ctx.lineTo(px, u.bbox.top + u.bbox.height);
				ctx.stroke();
				ctx.font = Math.round(12 * devicePixelRatio) + 'px system-ui, sans-serif';
				ctx.textAlign = 'left';
				ctx.textBaseline = 'bottom';
				var label = 'p95 ' + (summary.reachP95Ms < 1000 ? summary.reachP95Ms + ' ms' : (summary.reachP95Ms / 1000).toFixed(1) + ' s');
				ctx.fillText(label, px + 6 * devicePixelRatio, u.bbox.top + u.bbox.height - 6 * devicePixelRatio);
				ctx.restore();
			}]},
		});
	}

	function resize(width) {
		charts.forEach(function (c) {
			var el = document.getElementById(c.id);
			c.u.setSize({width: width || Math.max(320, el.clientWidth), height: 280});
		});
	}
	window.addEventListener('resize', function () { resize(); });
	window.addEventListener('beforeprint', function () { resize(640); });
	window.addEventListener('afterprint', function () { resize(); });

	Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
		var heads = table.querySelectorAll('th');
		function sortBy(th) {
			var col = Number(th.getAttribute('data-col'));
			var asc = th.getAttribute('aria-sort') !== 'ascending';
			Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
			th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
			var body = table.tBodies[0];
			var rows = Array.prototype.slice.call(body.rows);
			function key(row) {
				var cell = row.cells[col];
				var v = cell.getAttribute('data-v');
				var text = cell.textContent;
				if (v === null) return text !== '' && !isNaN(Number(text)) ? Number(text) : text;
				return v === '' ? -Infinity : Number(v);
			}
			rows.sort(function (a, b) {
				var ka = key(a), kb = key(b);
				var c = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb));
				return asc ? c : -c;
			});
			rows.forEach(function (r) { body.appendChild(r); });
		}
		Array.prototype.forEach.call(heads, function (th) {
			th.addEventListener('click', function () { sortBy(th); });
			th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(th); } });
		});
	});
	document.body.setAttribute('data-charts', String(charts.length));
})();
`;
