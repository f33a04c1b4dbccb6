/// The page's inline style sheet and script: no font, image or script is fetched, so the page
/// reads the same offline, from `file://`, attached to a CI run, or printed.
enum HTMLPageStyle {
    /// Allows nothing but the page's own inline style and script: no network request at all, and
    /// no injected script could run even if escaping ever failed.
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

    static let css = """
        :root{--ink:#1d232a;--muted:#5b6570;--line:#d8dde3;--flag:#b3261e;--ok:#1e6b34;--panel:#f6f8fa}
        *{box-sizing:border-box}
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);margin:0 auto;max-width:1240px;padding:16px 24px 48px}
        h1{font-size:22px;margin:8px 0 2px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:14px;margin:16px 0 6px}
        .meta,.muted{color:var(--muted)}
        .verdict{font-size:16px;font-weight:600;padding:8px 12px;border-radius:6px;margin:10px 0;border-left:5px solid var(--ok);background:#eef7f0}
        .verdict.flagged{border-color:var(--flag);background:#fdf0ef}
        dl.summary{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:6px 16px;margin:8px 0}
        dl.summary div{background:var(--panel);border-radius:6px;padding:6px 10px}dl.summary dt{font-size:12px;color:var(--muted)}dl.summary dd{margin:0;font-weight:600}
        nav{margin:10px 0;font-size:13px}nav a{margin-right:14px}
        a{color:#0b57d0;text-decoration:none}a:hover{text-decoration:underline}
        table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
        th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
        th{background:var(--panel);user-select:none;font-size:12px}.js th{cursor:pointer}th[data-dir=a]::after{content:" ▲"}th[data-dir=d]::after{content:" ▼"}
        td.name,th.name,td.text,th.text{text-align:left}td.name .muted{font-size:11px;margin-left:4px}
        tr.flagged td{background:#fdf0ef}
        .badge{display:inline-block;font-size:11px;font-weight:700;color:#fff;background:var(--flag);border-radius:4px;padding:0 5px}
        section.lock{border:1px solid var(--line);border-left:5px solid var(--flag);border-radius:6px;padding:4px 16px 12px;margin:18px 0}
        code,.frames{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
        ul.frames{margin:2px 0 8px;padding-left:22px}
        svg{display:block;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:11px}
        svg text{fill:var(--ink)}svg title{white-space:pre}
        .icicle .frame rect{stroke:#fff;stroke-width:.5}.icicle .frame:hover rect{stroke:#000;stroke-width:1}
        .root rect{fill:#c9ced6}.f0 rect{fill:#f2a65a}.f1 rect{fill:#eec170}.f2 rect{fill:#e9845b}.f3 rect{fill:#f4c28f}
        .f4 rect{fill:#e77c6b}.f5 rect{fill:#f1b46d}.f6 rect{fill:#dd9c5a}.f7 rect{fill:#f0d08a}
        .histogram .bar rect{fill:#5b8def}.histogram .bar:hover rect{fill:#2f62c9}.histogram .axis{fill:var(--muted);font-size:10px}
        .percentile line{stroke:var(--flag);stroke-width:2;stroke-dasharray:4 2}.percentile text{fill:var(--flag);font-weight:700}
        .timeline .lane{fill:#f3f5f7}.timeline .lane.hold{fill:#eceff3}.timeline .tick{stroke:#e2e6ea}.timeline .axis{fill:var(--muted);font-size:10px}
        .timeline .thread{font-size:11px}
        .l0{fill:#d1495b}.l1{fill:#2e86ab}.l2{fill:#edae49}.l3{fill:#66a182}.l4{fill:#8e6c8a}.l5{fill:#00798c}
        .timeline .wait{opacity:.55}.timeline .slice:hover{opacity:1;stroke:#000;stroke-width:.4}
        .legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-2px;margin-right:4px}
        .legend i.l0{background:#d1495b}.legend i.l1{background:#2e86ab}.legend i.l2{background:#edae49}.legend i.l3{background:#66a182}.legend i.l4{background:#8e6c8a}.legend i.l5{background:#00798c}
        .inversion .node rect{fill:#fff;stroke:var(--flag);stroke-width:2}.inversion .edge path{fill:none;stroke:#6b7280;stroke-width:2}
        .inversion marker path{fill:#6b7280}.inversion .edge text{font-size:11px}
        footer{margin-top:32px;font-size:12px;color:var(--muted)}
        @media print{body{max-width:none;padding:0;font-size:11px}nav,footer{display:none}section,svg{break-inside:avoid}
        th{cursor:auto}tr.flagged td,.verdict,section.lock{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit}}
        """

    /// Sorts the lock table by the clicked column (numbers by value, names alphabetically;
    /// a second click reverses). Cells carry their sort key in `data-v`. The `js` class it sets
    /// on `<html>` shows the headings as clickable, and tells a test that the script ran.
    static let script = """
        document.documentElement.className='js';
        document.querySelectorAll('table.sortable th').forEach(function(th,i){th.addEventListener('click',function(){
        var t=th.closest('table'),b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),dir=th.dataset.dir==='d'?'a':'d';
        t.querySelectorAll('th').forEach(function(h){delete h.dataset.dir});th.dataset.dir=dir;
        rows.sort(function(x,y){var a=x.cells[i].dataset.v,c=y.cells[i].dataset.v,n=parseFloat(a)-parseFloat(c);
        if(isNaN(n))n=a<c?-1:a>c?1:0;return dir==='a'?n:-n});rows.forEach(function(r){b.appendChild(r)})})});
        """
}
