/* report.js - draws flowsim's HTML report from the JSON in <script id="flowsim-data">, with
 * Chart.js (inlined). Sets data-charts (charts drawn) and data-errors on <body> so a test can
 * check that everything rendered. Kinds: run, compare, size, sweep. */
(function () {
  "use strict";
  var errors = 0, charts = 0;
  window.addEventListener("error", function () { errors++; document.body.dataset.errors = errors; });
  var data = JSON.parse(document.getElementById("flowsim-data").textContent);
  /* Day i from time 0: its date when the scenario has a start date, else its number. */
  function dayLabel(r, i) {
    if (!r.start) return i;
    var d = new Date(r.start + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + i);
    return ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()] + " " + d.toISOString().slice(0, 10);
  }
  var main = document.getElementById("main");
  var colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f"];

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function fmt(x) {
    if (x === null || x === undefined || !isFinite(x)) return "-";
    var a = Math.abs(x), d = a === 0 ? 0 : Math.max(0, Math.min(6, 3 - Math.floor(Math.log10(a))));
    return x.toFixed(d);
  }
  function ci(m) { return m && m.ci_low !== null ? "[" + fmt(m.ci_low) + ", " + fmt(m.ci_high) + "]" : ""; }
  function section(title, note) {
    var s = el("section");
    s.appendChild(el("h2", title));
    if (note) s.appendChild(el("p", note, "note"));
    main.appendChild(s);
    return s;
  }
  function chart(parent, config, height) {
    var box = el("div", undefined, "chart");
    box.style.height = (height || 300) + "px";
    var canvas = el("canvas");
    box.appendChild(canvas);
    parent.appendChild(box);
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    config.plugins = [whiskers];
    new Chart(canvas, config);
    charts++;
    document.body.dataset.charts = charts;
  }
  function entities(obj) { return obj ? Object.keys(obj) : []; }
  /* Labels, units and which way is better, from flowsim's own table of metrics (data.metrics,
   * keyed "section.key"); targets' metrics (within_4h, wait_within_2h) are fractions, higher
   * better. */
  var catalogue = data.metrics || {};
  function meta(path) {
    var parts = String(path).split("."), key = parts[parts.length - 1];
    var m = catalogue[parts[0] + "." + key];
    if (m) return m;
    if (/^(wait_)?within_/.test(key)) return { label: key.replace(/_/g, " ") + " (fraction)", unit: "fraction", better: 1 };
    return { label: key.replace(/_/g, " "), unit: "", better: 0 };
  }
  var places = { system: "Whole hospital", wards: "Ward", groups: "Group", theatres: "Theatre", community: "Community service", pathways: "Pathway", discharge: "Discharge" };
  /* "Ward AMU: admissions that waited (fraction)" for wards.AMU.p_wait. */
  function describe(path) {
    var parts = String(path).split("."), where = places[parts[0]] || parts[0];
    var entity = parts.slice(1, parts.length - 1).join(".");
    return where + (entity ? " " + entity : "") + ": " + meta(path).label;
  }
  function unitTitle(u) {
    return u === "fraction" ? "fraction (0 to 1)" : u === "money" ? "cost (currency of the scenario)" : u || "value";
  }
  function betterText(b) { return b > 0 ? "higher" : b < 0 ? "lower" : ""; }
  /* Draws each bar's 95% interval (dataset.ci: [low, high] per bar) as a line with caps. */
  var whiskers = {
    id: "whiskers",
    afterDatasetsDraw: function (c) {
      var ctx = c.ctx, horizontal = c.options.indexAxis === "y";
      c.data.datasets.forEach(function (ds, i) {
        var m = c.getDatasetMeta(i);
        if (!ds.ci || m.hidden) return;
        var scale = horizontal ? c.scales.x : c.scales.y;
        m.data.forEach(function (bar, j) {
          var ci = ds.ci[j];
          if (!ci || ci[0] === null || ci[1] === null) return;
          var lo = scale.getPixelForValue(ci[0]), hi = scale.getPixelForValue(ci[1]), at = horizontal ? bar.y : bar.x;
          ctx.save();
          ctx.strokeStyle = "#222";
          ctx.lineWidth = 1.5;
          ctx.beginPath();
          if (horizontal) {
            ctx.moveTo(lo, at); ctx.lineTo(hi, at);
            ctx.moveTo(lo, at - 5); ctx.lineTo(lo, at + 5); ctx.moveTo(hi, at - 5); ctx.lineTo(hi, at + 5);
          } else {
            ctx.moveTo(at, lo); ctx.lineTo(at, hi);
            ctx.moveTo(at - 5, lo); ctx.lineTo(at + 5, lo); ctx.moveTo(at - 5, hi); ctx.lineTo(at + 5, hi);
          }
          ctx.stroke();
          ctx.restore();
        });
      });
    }
  };
  /* The value axis must reach the intervals, which Chart.js does not see as data. */
  function ciRange(metrics) {
    var lo = 0, hi = 0;
    metrics.forEach(function (m) {
      if (!m) return;
      [m.mean, m.ci_low, m.ci_high].forEach(function (v) { if (v !== null && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
    });
    return { suggestedMin: lo, suggestedMax: hi };
  }
  /* Bars of the mean with the 95% CI drawn on each bar. */
  function ciBars(parent, title, labels, metrics, unit, xTitle) {
    var range = ciRange(metrics);
    chart(parent, {
      type: "bar",
      data: { labels: labels, datasets: [
        { label: "mean (line: 95% confidence interval)", data: metrics.map(function (m) { return m ? m.mean : null; }), backgroundColor: colours[0],
          ci: metrics.map(function (m) { return m && m.ci_low !== null ? [m.ci_low, m.ci_high] : null; }) } ] },
      options: { plugins: { title: { display: true, text: title } },
        scales: { x: { title: { display: true, text: xTitle || "" } },
                  y: Object.assign({ title: { display: true, text: unitTitle(unit || "fraction") } }, range) } }
    }, 260);
  }
  function table(parent, rows, head) {
    var t = el("table");
    if (head) {
      var tr = el("tr");
      head.forEach(function (h) { tr.appendChild(el("th", h)); });
      t.appendChild(tr);
    }
    rows.forEach(function (r) {
      var tr = el("tr");
      r.forEach(function (c) { tr.appendChild(el("td", c)); });
      t.appendChild(tr);
    });
    parent.appendChild(t);
  }

  function warnings(r) {
    if (!r.warnings || !r.warnings.length) return;
    var s = section("Warnings", "Read these before the numbers: each says what to do.");
    s.className = "warnings";
    var ul = el("ul");
    r.warnings.forEach(function (w) { ul.appendChild(el("li", w.message)); });
    s.appendChild(ul);
  }

  function headline(r) {
    warnings(r);
    var s = section("Headline", "Means across replications with 95% confidence intervals.");
    var rows = [], sys = r.system || {};
    function add(label, m) { if (m) rows.push([label, fmt(m.mean), ci(m)]); }
    add("patients leaving hospital per day", sys.throughput_per_day);
    add("length of stay, days (mean)", sys.los_days);
    add("length of stay, days (90th centile)", sys.los_days_p90);
    add("cost per patient, whole pathway", sys.cost_per_patient);
    add("cost per patient, hospital", sys.hospital_cost_per_patient);
    add("cost per patient, community", sys.community_cost_per_patient);
    if (r.discharge) add("delayed bed-days per day", r.discharge.delayed_bed_days_per_day);
    var cancel = 0, any = false;
    entities(r.theatres).forEach(function (t) {
      var th = r.theatres[t];
      ["cancelled_no_bed_per_week", "cancelled_unfit_per_week", "cancelled_overrun_per_week"].forEach(function (k) {
        if (th[k] && th[k].mean !== null) { cancel += th[k].mean; any = true; }
      });
      add("theatre " + t + ": cancelled, no bed (per week)", th.cancelled_no_bed_per_week);
    });
    if (any) rows.push(["elective cases cancelled per week (all reasons, all theatres)", fmt(cancel), ""]);
    table(s, rows, ["", "mean", "95% CI"]);
  }

  function occupancyByHour(r, extra) {
    if (!extra.hourly) return;
    var s = section("Bed occupancy by hour of the week",
      "Mean occupied beds across replications, with the band from the 5th to the 95th percentile of the replications, against the number of beds. Hour 0 is Monday 00:00.");
    var labels = [], days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    for (var h = 0; h < 168; h++) labels.push(days[Math.floor(h / 24)] + " " + (h % 24) + ":00");
    Object.keys(extra.hourly).forEach(function (w) {
      var p = extra.hourly[w];
      chart(s, {
        type: "line",
        data: { labels: labels, datasets: [
          { label: "95th percentile", data: p.p95, borderColor: "rgba(31,119,180,0.2)", backgroundColor: "rgba(31,119,180,0.15)", fill: "+1", pointRadius: 0 },
          { label: "5th percentile", data: p.p5, borderColor: "rgba(31,119,180,0.2)", pointRadius: 0, fill: false },
          { label: "mean", data: p.mean, borderColor: colours[0], pointRadius: 0, fill: false },
          p.open_beds ? { label: "open beds (mean)", data: p.open_beds, borderColor: colours[1], borderDash: [6, 4], pointRadius: 0, fill: false, stepped: true }
                      : { label: "beds", data: labels.map(function () { return p.beds; }), borderColor: colours[1], borderDash: [6, 4], pointRadius: 0, fill: false } ] },
        options: { plugins: { title: { display: true, text: "Ward " + w } },
          scales: { x: { title: { display: true, text: "hour of the week" }, ticks: { maxTicksLimit: 14 } }, y: { title: { display: true, text: "beds" } } } }
      }, 280);
    });
    if (extra.ward_days) {
      var s3 = section("Open and occupied beds by day",
        "Wards whose beds change: mean open beds (planned changes and escalation) and mean occupied beds each day, across replications, from time 0 (the warm-up included).");
      Object.keys(extra.ward_days).forEach(function (w) {
        var d = extra.ward_days[w], occ = d["wards." + w + ".occupied"], open = d["wards." + w + ".open_beds"];
        if (!occ || !open) return;
        chart(s3, { type: "line", data: { labels: occ.mean.map(function (_, i) { return dayLabel(r, i); }), datasets: [
          { label: "occupied beds (mean)", data: occ.mean, borderColor: colours[0], pointRadius: 0, fill: false },
          { label: "open beds (mean)", data: open.mean, borderColor: colours[1], borderDash: [6, 4], pointRadius: 0, fill: false, stepped: true } ] },
          options: { plugins: { title: { display: true, text: "Ward " + w + ": open and occupied beds" } },
            scales: { x: { title: { display: true, text: r.start ? "date" : "day" }, ticks: { maxTicksLimit: 12 } }, y: { title: { display: true, text: "beds" } } } }
        }, 260);
      });
    }
    var rounds = Object.keys(extra.hourly).filter(function (w) { return extra.hourly[w].departures; });
    if (!rounds.length) return;
    var s2 = section("Departures by hour of the week",
      "Wards with rounds: mean patients leaving the ward in each hour of the week (to another ward, a discharge pathway or home). Hour 0 is Monday 00:00.");
    rounds.forEach(function (w) {
      chart(s2, { type: "bar",
        data: { labels: labels, datasets: [{ label: "departures per hour (mean)", data: extra.hourly[w].departures, backgroundColor: colours[0] }] },
        options: { plugins: { title: { display: true, text: "Ward " + w + ": departures" } },
          scales: { x: { title: { display: true, text: "hour of the week" }, ticks: { maxTicksLimit: 14 } }, y: { title: { display: true, text: "patients per hour" } } } }
      }, 240);
    });
  }

  /* A run from a census: fan charts of each ward's occupied beds day by day, and the chance of
   * being full at some point on each day. */
  function forecastSection(r, extra) {
    if (!extra.forecast) return;
    var wards = Object.keys(extra.forecast);
    var s = section("Forecast from the census", "Occupied beds each day from the census at the start: the median of the replications with the band from the 5th to the 95th percentile, against the beds; and the chance that every bed is taken at some point of each day.");
    wards.forEach(function (w) {
      var f = extra.forecast[w], days = f.p50.map(function (_, i) { return dayLabel(r, i); });
      chart(s, { type: "line", data: { labels: days, datasets: [
        { label: "95th percentile", data: f.p95, borderColor: "rgba(31,119,180,0.2)", backgroundColor: "rgba(31,119,180,0.15)", fill: "+1", pointRadius: 0 },
        { label: "5th percentile", data: f.p5, borderColor: "rgba(31,119,180,0.2)", pointRadius: 0, fill: false },
        { label: "median", data: f.p50, borderColor: colours[0], fill: false },
        { label: "beds", data: days.map(function () { return f.beds; }), borderColor: colours[1], borderDash: [6, 4], pointRadius: 0, fill: false } ] },
        options: { plugins: { title: { display: true, text: "Ward " + w + ": occupied beds, day by day" } },
          scales: { x: { title: { display: true, text: r.start ? "date" : "day" } }, y: { title: { display: true, text: "beds" } } } }
      }, 280);
    });
    var days = extra.forecast[wards[0]].full_chance.map(function (_, i) { return i; });
    table(s, days.map(function (d) {
      return [String(dayLabel(r, d))].concat(wards.map(function (w) { return Math.round(100 * extra.forecast[w].full_chance[d]) + "%"; }));
    }), ["Chance the ward is full at some point on the day"].concat(wards));
  }

  function runReport(r, extra) {
    headline(r);
    forecastSection(r, extra);
    occupancyByHour(r, extra);
    var wards = entities(r.wards);
    if (wards.length) {
      var s = section("Wards", "Occupancy, waits and blocked beds by ward.");
      ciBars(s, "Occupancy (fraction of beds)", wards, wards.map(function (w) { return r.wards[w].occupancy; }), "fraction", "ward");
      ciBars(s, "Wait for a bed, hours (mean over admissions)", wards, wards.map(function (w) { return r.wards[w].mean_wait_hours; }), "hours", "ward");
      if (extra.wait_percentiles) {
        var wds = Object.keys(extra.wait_percentiles).map(function (w, i) {
          return { label: w, data: extra.wait_percentiles[w].map(function (x, q) { return { x: x, y: (q + 1) / 100 }; }).filter(function (p) { return p.x !== null; }),
                   borderColor: colours[i % colours.length], showLine: true, pointRadius: 0 };
        });
        chart(s, { type: "scatter", data: { datasets: wds },
          options: { plugins: { title: { display: true, text: "Distribution of the wait for a bed (fraction of admissions admitted within x hours)" } },
            scales: { x: { type: "logarithmic", title: { display: true, text: "hours (log scale; admissions with no wait sit on the axis)" } }, y: { min: 0, max: 1, title: { display: true, text: "fraction of admissions" } } } } });
      }
      ciBars(s, "Beds blocked by patients waiting to move on", wards, wards.map(function (w) { return r.wards[w].blocked_bed_days_per_day; }), "beds", "ward");
      Object.keys(extra.ward_times || {}).forEach(function (w) {
        var t = extra.ward_times[w], m = r.wards[w] || {};
        var curve = t.percentiles.map(function (x, q) { return { x: x, y: (q + 1) / 100 }; }).filter(function (p) { return p.x !== null; });
        var sets = [{ label: "fraction who left the ward within x hours", data: curve, borderColor: colours[0], showLine: true, pointRadius: 0 }];
        t.targets.forEach(function (g, i) {
          var v = m[g.key] || {};
          sets.push({ label: g.key + ": " + fmt(v.mean) + " " + ci(v),
                      data: [{ x: g.hours, y: 0 }, { x: g.hours, y: 1 }], borderColor: colours[(i + 1) % colours.length],
                      borderDash: [6, 4], showLine: true, pointRadius: 0 });
          sets.push({ label: g.key + " (mean of replications)", data: [{ x: g.hours, y: v.mean }], borderColor: colours[(i + 1) % colours.length],
                      backgroundColor: colours[(i + 1) % colours.length], pointRadius: 6, showLine: false });
        });
        chart(s, { type: "scatter", data: { datasets: sets },
          options: { plugins: { title: { display: true, text: "Ward " + w + ": time in the ward (joining its queue to leaving its bed) against its targets" } },
            scales: { x: { title: { display: true, text: "hours" } }, y: { min: 0, max: 1, title: { display: true, text: "fraction of patients" } } } } });
      });
    }
    var sys = r.system || {};
    var s2 = section("Length of stay", "Length of stay runs from the first bed to leaving hospital.");
    if (extra.los_percentiles) {
      var pts = extra.los_percentiles.map(function (x, i) { return { x: x, y: (i + 1) / 100 }; }).filter(function (p) { return p.x !== null; });
      chart(s2, { type: "scatter", data: { datasets: [{ label: "fraction of patients who left within x days", data: pts, borderColor: colours[0], showLine: true, pointRadius: 0 }] },
        options: { plugins: { title: { display: true, text: "Distribution of length of stay (mean of the replications' percentiles)" } },
          scales: { x: { title: { display: true, text: "days" } }, y: { min: 0, max: 1, title: { display: true, text: "fraction" } } } } });
    }
    ciBars(s2, "Length of stay, days", ["median", "mean", "90th centile", "95th centile"],
      [sys.los_days_p50, sys.los_days, sys.los_days_p90, sys.los_days_p95], "days", "statistic of the length of stay");
    var groups = entities(r.groups).filter(function (g) { return r.groups[g].waiting_list_size; });
    if (groups.length) {
      var s3 = section("Waiting lists", "Elective groups: the waiting list day by day (mean of the replications, with the band from the 5th to the 95th percentile, from time 0: the warm-up included), its mean and end, and referral-to-operation waits.");
      Object.keys(extra.waiting_lists || {}).forEach(function (name) {
        var w = extra.waiting_lists[name], days = w.mean.map(function (_, i) { return dayLabel(r, i); });
        chart(s3, { type: "line", data: { labels: days, datasets: [
          { label: "95th percentile", data: w.p95, borderColor: "rgba(31,119,180,0.2)", backgroundColor: "rgba(31,119,180,0.15)", fill: "+1", pointRadius: 0 },
          { label: "5th percentile", data: w.p5, borderColor: "rgba(31,119,180,0.2)", pointRadius: 0, fill: false },
          { label: "mean", data: w.mean, borderColor: colours[0], pointRadius: 0, fill: false } ] },
          options: { plugins: { title: { display: true, text: name.replace(/^groups\./, "").replace(/\.waiting_list$/, "") + ": waiting list over time (warm-up: first " + extra.warmup_days + " days)" } },
            scales: { x: { title: { display: true, text: r.start ? "date" : "day" }, ticks: { maxTicksLimit: 12 } }, y: { title: { display: true, text: "patients" } } } }
        }, 260);
      });
      ciBars(s3, "Waiting list, mean size", groups, groups.map(function (g) { return r.groups[g].waiting_list_size; }), "patients", "group");
      ciBars(s3, "Waiting list at the end", groups, groups.map(function (g) { return r.groups[g].waiting_list_end; }), "patients", "group");
      ciBars(s3, "Referral to operation, weeks (92nd centile)", groups, groups.map(function (g) { return r.groups[g].wait_weeks_p92; }), "weeks", "group");
    }
    var theatres = entities(r.theatres);
    if (theatres.length) {
      var s4 = section("Theatres", "Utilisation, under-running lists and on-the-day cancellations.");
      ciBars(s4, "Operating time within lists (fraction)", theatres, theatres.map(function (t) { return r.theatres[t].utilisation; }), "fraction", "theatre");
      ciBars(s4, "Lists that under-ran (fraction)", theatres, theatres.map(function (t) { return r.theatres[t].p_list_underrun; }), "fraction", "theatre");
      ciBars(s4, "Cases per list", theatres, theatres.map(function (t) { return r.theatres[t].cases_per_list; }), "cases", "theatre");
      ciBars(s4, "Late start, minutes (mean per list)", theatres, theatres.map(function (t) { return r.theatres[t].late_start_minutes; }), "minutes", "theatre");
      var causes = [["cancelled_no_bed_per_week", "no bed"], ["cancelled_unfit_per_week", "unfit"], ["cancelled_overrun_per_week", "list out of time"]];
      chart(s4, { type: "bar", data: { labels: theatres, datasets: causes.map(function (c, i) {
          return { label: c[1], data: theatres.map(function (t) { var m = r.theatres[t][c[0]]; return m ? m.mean : null; }), backgroundColor: colours[i],
                   ci: theatres.map(function (t) { var m = r.theatres[t][c[0]]; return m && m.ci_low !== null ? [m.ci_low, m.ci_high] : null; }) };
        }) },
        options: { plugins: { title: { display: true, text: "Cancellations on the day by cause, per week (mean; line: 95% CI)" } },
          scales: { x: { title: { display: true, text: "theatre" } }, y: { title: { display: true, text: "cases cancelled per week" }, suggestedMin: 0 } } } }, 260);
    }
    dischargeSection(r);
  }

  /* Discharge and pathways: delays, time from fit to leaving by pathway, community queues. */
  function dischargeSection(r) {
    var services = entities(r.community), d = r.discharge, paths = entities(r.pathways);
    if (!d && !services.length) return;
    var s = section("Discharge and pathways", "Beds held by patients who are medically fit, the time from fit to leaving hospital on each discharge pathway (P0 home, P1 home with support, P2 bed-based rehabilitation, P3 care home), and the community services they wait for.");
    if (d) {
      var rows = [];
      [["delayed_bed_days_per_day", "discharge"], ["fit_to_leave_days", "discharge"], ["p_same_or_next_day", "discharge"]].forEach(function (k) {
        var m = d[k[0]];
        if (m) rows.push([meta(k[1] + "." + k[0]).label, fmt(m.mean), ci(m)]);
      });
      table(s, rows, ["", "mean", "95% CI"]);
    }
    if (paths.length) {
      ciBars(s, "Medically fit to leaving hospital, days (mean), by pathway", paths, paths.map(function (p) { return r.pathways[p].fit_to_leave_days; }), "days", "discharge pathway");
      ciBars(s, "Patients per day, by pathway", paths, paths.map(function (p) { return r.pathways[p].patients_per_day; }), "per day", "discharge pathway");
    }
    var wards = entities(r.wards);
    if (d && wards.length)
      ciBars(s, "Delayed: beds blocked by patients waiting to move on, by ward", wards, wards.map(function (w) { return r.wards[w].blocked_bed_days_per_day; }), "beds", "ward");
    if (services.length) {
      ciBars(s, "Community places occupied (mean)", services, services.map(function (c) { return r.community[c].mean_occupied; }), "places", "community service");
      ciBars(s, "Waiting for a community place in a hospital bed (mean)", services, services.map(function (c) { return r.community[c].queue_in_hospital; }), "patients", "community service");
      ciBars(s, "Wait for a community place, days (mean)", services, services.map(function (c) { return r.community[c].mean_wait_days; }), "days", "community service");
    }
  }

  function flatten(obj, prefix, out) {
    Object.keys(obj).forEach(function (k) {
      var v = obj[k], p = prefix ? prefix + "." + k : k;
      if (v && typeof v === "object" && "diff" in v) out.push([p, v]);
      else if (v && typeof v === "object" && !("mean" in v)) flatten(v, p, out);
    });
    return out;
  }

  function compareReport(r) {
    var rows = flatten(r, "", []).filter(function (x) { return x[0] !== "scenario"; });
    function sig(x) { var d = x[1].diff; return d.ci_low !== null && (d.ci_low > 0 || d.ci_high < 0); }
    if (r.headline && r.headline.length) {
      var h = section("Headline", "The largest significant changes, what-if against base, in words (95% confidence intervals from paired replications).");
      var ul = el("ul");
      r.headline.forEach(function (t) { ul.appendChild(el("li", t)); });
      h.appendChild(ul);
    }
    var s = section("Differences by unit", "What-if minus base for each significant difference, grouped by unit so that each chart has one scale; the line on each bar is its 95% confidence interval from paired replications (common random numbers).");
    var keep = rows.filter(sig);
    if (!keep.length) {
      s.appendChild(el("p", "No difference is significant at the 5% level.", "note"));
      keep = rows.slice(0, 8);
    }
    var units = {};
    keep.forEach(function (x) { var u = meta(x[0]).unit || "value"; (units[u] = units[u] || []).push(x); });
    Object.keys(units).forEach(function (u) {
      var list = units[u].slice(0, 20), ds = list.map(function (x) { return x[1].diff; });
      var range = ciRange(ds);
      chart(s, {
        type: "bar",
        data: { labels: list.map(function (x) { return describe(x[0]); }), datasets: [
          { label: "difference, what-if - base (line: 95% CI)", data: ds.map(function (d) { return d.mean; }),
            backgroundColor: list.map(function (x) { var b = meta(x[0]).better, up = x[1].diff.mean > 0;
              return b === 0 ? colours[0] : (b > 0) === up ? colours[2] : colours[1]; }),
            ci: ds.map(function (d) { return d.ci_low !== null ? [d.ci_low, d.ci_high] : null; }) } ] },
        options: { indexAxis: "y", plugins: { title: { display: true, text: "Differences in " + unitTitle(u) + " (green: better, red: worse, blue: neither)" }, legend: { display: false } },
          scales: { x: Object.assign({ title: { display: true, text: "what-if - base, " + unitTitle(u) } }, range), y: { title: { display: true, text: "metric" } } } }
      }, 80 + 30 * list.length);
    });
    var t = section("Every metric", "* marks a significant difference (the 95% interval excludes 0).");
    table(t, rows.map(function (x) {
      var d = x[1].diff, m = meta(x[0]);
      return [describe(x[0]), m.unit, betterText(m.better), fmt(x[1].base.mean), fmt(x[1].whatif.mean), fmt(d.mean), ci(d) + (sig(x) ? " *" : "")];
    }), ["metric", "unit", "better if", "base", "what-if", "difference", "95% CI"]);
  }

  function sizeReport(r) {
    var note = r.answer === null ? "No value in the range searched meets every target." : "Answer: " + r.parameter + " = " + fmt(r.answer) + ". A value meets the targets when the whole 95% confidence interval is on the good side.";
    if (r.seek && r.answer !== null)
      note += " Goal-seeking to within " + fmt(r.seek.resolution) + r.seek.unit + ": the answer is the " + r.seek.answer_is +
        " value that meets every target; the means cross at about " + (r.seek.estimate === null ? "the end of the range" : fmt(r.seek.estimate) + r.seek.unit) +
        ", and the boundary lies between " + (r.seek.interval[0] === null ? "the range's end" : fmt(r.seek.interval[0]) + r.seek.unit) +
        " and " + (r.seek.interval[1] === null ? "the range's end" : fmt(r.seek.interval[1]) + r.seek.unit) + ".";
    var s = section((r.seek ? "Goal-seeking: " : "Capacity sizing: ") + r.parameter, note);
    var metrics = r.evaluated.length ? Object.keys(r.evaluated[0].metrics) : [];
    metrics.forEach(function (m) {
      var target = (extra.targets || []).filter(function (t) { return t.metric === m; });
      var ds = [
        { label: "mean", data: r.evaluated.map(function (e) { return { x: e.value, y: e.metrics[m].mean }; }), borderColor: colours[0], showLine: true },
        { label: "95% CI low", data: r.evaluated.map(function (e) { return { x: e.value, y: e.metrics[m].ci_low }; }), borderColor: "rgba(31,119,180,0.3)", showLine: true, pointRadius: 0 },
        { label: "95% CI high", data: r.evaluated.map(function (e) { return { x: e.value, y: e.metrics[m].ci_high }; }), borderColor: "rgba(31,119,180,0.3)", showLine: true, pointRadius: 0 } ];
      target.forEach(function (t) {
        var xs = r.evaluated.map(function (e) { return e.value; });
        ds.push({ label: "target " + (t.at_most ? "<= " : ">= ") + t.value, data: [{ x: Math.min.apply(null, xs), y: t.value }, { x: Math.max.apply(null, xs), y: t.value }], borderColor: colours[1], borderDash: [6, 4], showLine: true, pointRadius: 0 });
      });
      chart(s, { type: "scatter", data: { datasets: ds }, options: { plugins: { title: { display: true, text: describe(m) } },
        scales: { x: { title: { display: true, text: r.parameter } }, y: { title: { display: true, text: unitTitle(meta(m).unit) } } } } });
    });
    table(s, r.evaluated.map(function (e) { return [String(e.value), e.meets ? "yes" : "no"].concat(metrics.map(function (m) { return fmt(e.metrics[m].mean) + " " + ci(e.metrics[m]); })); }),
      ["value", "meets"].concat(metrics));
  }

  /* A sweep column's title: PATH_days and PATH_per_day are numbers in that unit. */
  function parameterTitle(p) {
    var m = /^(.*)_(days|per_day)$/.exec(p);
    return m ? m[1] + " (" + m[2].replace("_", " ") + ")" : p;
  }
  function sweepReport(r) {
    var p0 = r.parameters[0], others = r.parameters.slice(1);
    var s = section("Sweep", "Each metric against the first varied parameter (" + parameterTitle(p0) + "), with its 95% confidence interval band; one line per combination of the other parameters.");
    r.metrics.slice(0, 24).forEach(function (m) {
      var lines = {};
      r.rows.forEach(function (row) {
        var key = others.map(function (o) { return parameterTitle(o) + " = " + row[o]; }).join(", ") || "all";
        (lines[key] = lines[key] || []).push(row);
      });
      var ds = [];
      Object.keys(lines).forEach(function (key, i) {
        var c = colours[i % colours.length];
        var pts = lines[key];
        ds.push({ label: key, data: pts.map(function (p) { return { x: parseFloat(p[p0]), y: p[m + "_mean"] }; }), borderColor: c, showLine: true });
        ds.push({ label: key + " (95% CI)", data: pts.map(function (p) { return { x: parseFloat(p[p0]), y: p[m + "_ci_high"] }; }), borderColor: "transparent", backgroundColor: "rgba(0,0,0,0.08)", showLine: true, pointRadius: 0, fill: "+1" });
        ds.push({ label: "", data: pts.map(function (p) { return { x: parseFloat(p[p0]), y: p[m + "_ci_low"] }; }), borderColor: "transparent", showLine: true, pointRadius: 0, fill: false });
      });
      chart(s, { type: "scatter", data: { datasets: ds }, options: { plugins: { title: { display: true, text: describe(m) }, legend: { labels: { filter: function (i) { return i.text && i.text.indexOf("(95% CI)") < 0; } } } },
        scales: { x: { title: { display: true, text: parameterTitle(p0) } }, y: { title: { display: true, text: unitTitle(meta(m).unit) } } } } }, 260);
    });
  }

  function checkReport(r) {
    var titles = { arrivals: "Arrivals per day", los: "Length of stay, days", occupancy: "Patients present, mean",
                   routes: "Routes: share of each group's ended spells" };
    var s = section("Observed against simulated",
      r.replications + " replications over the extract's period, each starting empty as the extract does. Simulated: the mean of the replications and its 95% prediction interval (where one period's value falls 95% of the time if the model is right). " +
      r.outside + " line(s) outside their interval (marked); by chance alone about one line in 20 is.");
    Object.keys(titles).forEach(function (sec) {
      var lines = r.lines.filter(function (l) { return l.section === sec; });
      if (!lines.length) return;
      s.appendChild(el("h3", titles[sec]));
      table(s, lines.map(function (l) {
        return [l.label, fmt(l.observed), fmt(l.mean), "[" + fmt(l.low) + ", " + fmt(l.high) + "]", l.outside ? "outside" : ""];
      }), ["", "observed", "simulated", "95% prediction interval", ""]);
    });
    var s2 = section("Patients present by hour of the week",
      "Observed, against the simulated mean and its 95% prediction band. Hour 0 is Monday 00:00. The distance is the root mean square difference from the simulated mean; the bound, the distance 95% of replications stay within.");
    var labels = [], days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    for (var h = 0; h < 168; h++) labels.push(days[Math.floor(h / 24)] + " " + (h % 24) + ":00");
    Object.keys(r.hourly).forEach(function (w) {
      var p = r.hourly[w];
      chart(s2, { type: "line", data: { labels: labels, datasets: [
          { label: "simulated, 95% prediction band", data: p.high, borderColor: "rgba(31,119,180,0.2)", backgroundColor: "rgba(31,119,180,0.15)", fill: "+1", pointRadius: 0 },
          { label: "", data: p.low, borderColor: "rgba(31,119,180,0.2)", pointRadius: 0, fill: false },
          { label: "simulated mean", data: p.mean, borderColor: colours[0], pointRadius: 0, fill: false },
          { label: "observed", data: p.observed, borderColor: colours[1], pointRadius: 0, fill: false } ] },
        options: { plugins: { title: { display: true, text: "Ward " + w + ": distance " + fmt(p.distance) + ", bound " + fmt(p.bound) + (p.outside ? " (outside)" : "") },
            legend: { labels: { filter: function (i) { return i.text; } } } },
          scales: { x: { title: { display: true, text: "hour of the week" }, ticks: { maxTicksLimit: 14 } }, y: { title: { display: true, text: "patients present" } } } } }, 280);
    });
  }

  var extra = data.extra || {};
  try {
    if (data.kind === "run") runReport(data.results, extra);
    else if (data.kind === "compare") compareReport(data.results);
    else if (data.kind === "size") sizeReport(data.results);
    else if (data.kind === "sweep") sweepReport(data.results);
    else if (data.kind === "check") checkReport(data.results);
  } catch (e) {
    errors++;
    main.appendChild(el("p", "Error drawing the report: " + e, "error"));
  }
  /* Every chart's axes carry a title (for the test: data-untitled counts axes without one). */
  var untitled = 0;
  Object.keys(Chart.instances || {}).forEach(function (id) {
    var c = Chart.instances[id];
    Object.keys(c.scales).forEach(function (k) {
      var t = c.options.scales[k] && c.options.scales[k].title;
      if (!t || !t.display || !t.text) untitled++;
    });
  });
  document.body.dataset.untitled = untitled;
  document.body.dataset.charts = charts;
  document.body.dataset.errors = errors;
  document.body.dataset.done = "yes";
})();
