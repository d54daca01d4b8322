#include "eval/report.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>

namespace recd {

namespace {

constexpr const char* kAccuracy[] = {"ndcg", "map", "precision", "recall", "hit_rate", "mrr"};
constexpr const char* kBeyond[] = {"coverage", "diversity", "novelty", "popularity"};

double Metric(const ModelResult& m, const std::string& name, size_t k) {
  auto it = m.metrics.find(name + "@" + std::to_string(k));
  return it == m.metrics.end() ? 0.0 : it->second;
}

bool Has(const EvalReport& r, const std::string& name) {
  for (const ModelResult& m : r.models) {
    for (size_t k : r.ks) {
      if (m.metrics.count(name + "@" + std::to_string(k))) return true;
    }
  }
  return false;
}

// The value with `decimals` decimals, or a dash when the metric was not asked for.
std::string Cell(const ModelResult& m, const std::string& name, size_t k, int decimals) {
  auto it = m.metrics.find(name + "@" + std::to_string(k));
  return it == m.metrics.end() ? "–" : fmt::format("{:.{}f}", it->second, decimals);
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

}  // namespace

std::string ReportJson(const EvalReport& r) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto key = [&](const std::string& k) { w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size())); };
  auto str = [&](const std::string& v) { w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size())); };
  w.StartObject();
  key("dataset");
  str(r.dataset);
  key("protocol");
  w.StartObject();
  for (const auto& [k, v] : r.protocol) {
    key(k);
    str(v);
  }
  w.EndObject();
  key("train_interactions");
  w.Uint64(r.train_interactions);
  key("test_interactions");
  w.Uint64(r.test_interactions);
  key("users");
  w.Uint64(r.users);
  key("items");
  w.Uint64(r.items);
  key("k");
  w.StartArray();
  for (size_t k : r.ks) w.Uint64(k);
  w.EndArray();
  key("models");
  w.StartArray();
  for (const ModelResult& m : r.models) {
    w.StartObject();
    key("spec");
    str(m.spec);
    key("metrics");
    w.StartObject();
    for (const auto& [name, value] : m.metrics) {
      key(name);
      w.Double(value);
    }
    w.EndObject();
    key("latency_ms");
    w.StartObject();
    key("p50");
    w.Double(m.latency_ms.p50);
    key("p90");
    w.Double(m.latency_ms.p90);
    key("p99");
    w.Double(m.latency_ms.p99);
    key("mean");
    w.Double(m.latency_ms.mean);
    w.EndObject();
    key("train_seconds");
    w.Double(m.train_seconds);
    key("users");
    w.Uint64(m.users);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

std::string ReportMarkdown(const EvalReport& r) {
  std::string protocol;
  for (const auto& [k, v] : r.protocol) protocol += (protocol.empty() ? "" : ", ") + k + "=" + v;
  std::string md = fmt::format("{}: {} — {} train / {} test interactions, {} {}, {} items\n", r.dataset, protocol,
                               r.train_interactions, r.test_interactions, r.users, r.evaluated, r.items);
  for (size_t k : r.ks) {
    md += fmt::format("\n| model | nDCG@{0} | MAP@{0} | P@{0} | R@{0} | HR@{0} | MRR@{0} | coverage | diversity | novelty | popularity | p50 ms | p99 ms |\n", k);
    md += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const ModelResult& m : r.models) {
      md += "| `" + m.spec + "` ";
      for (const char* name : kAccuracy) md += "| " + Cell(m, name, k, 4) + " ";
      for (const char* name : kBeyond) md += "| " + Cell(m, name, k, 3) + " ";
      md += fmt::format("| {:.3f} | {:.3f} |\n", m.latency_ms.p50, m.latency_ms.p99);
    }
  }
  return md;
}

std::string ReportHtml(const EvalReport& r) {
  static const char* kColors[] = {"#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5"};
  std::string html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>recd eval: " + Escape(r.dataset) +
                     "</title><style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}"
                     "table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                     "th:first-child,td:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:16px}"
                     "figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}</style></head><body>";
  std::string protocol;
  for (const auto& [k, v] : r.protocol) protocol += (protocol.empty() ? "" : ", ") + k + "=" + v;
  html += fmt::format("<h1>{}</h1><p>{} &middot; {} train / {} test interactions &middot; {} {} &middot; {} items</p>",
                      Escape(r.dataset), Escape(protocol), r.train_interactions, r.test_interactions, r.users,
                      r.evaluated, r.items);
  // Legend.
  html += "<p>";
  for (size_t m = 0; m < r.models.size(); ++m) {
    html += fmt::format("<span style=\"color:{}\">&#9632;</span> {} &nbsp; ", kColors[m % 8], Escape(r.models[m].spec));
  }
  html += "</p><div class=\"charts\">";
  // One line chart per metric: value against k, a line per model.
  const double W = 300, H = 180, L = 44, B = 24;
  auto chart = [&](const std::string& metric) {
    double top = 0;
    for (const ModelResult& m : r.models) {
      for (size_t k : r.ks) top = std::max(top, Metric(m, metric, k));
    }
    top = top > 0 ? top * 1.1 : 1.0;
    std::string svg = fmt::format("<figure><figcaption>{}@k</figcaption><svg width=\"{}\" height=\"{}\">", metric, W, H);
    svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#999\"/><line x1=\"{0}\" y1=\"8\" x2=\"{0}\" y2=\"{1}\" stroke=\"#999\"/>",
                       L, H - B, W - 8);
    svg += fmt::format("<text x=\"4\" y=\"14\" font-size=\"11\">{:.3f}</text><text x=\"4\" y=\"{}\" font-size=\"11\">0</text>", top, H - B);
    auto x_of = [&](size_t idx) {
      return r.ks.size() == 1 ? (L + W - 8) / 2 : L + (W - 8 - L - 10) * idx / (r.ks.size() - 1.0) + 5;
    };
    for (size_t idx = 0; idx < r.ks.size(); ++idx) {
      svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>", x_of(idx), H - 6, r.ks[idx]);
    }
    for (size_t m = 0; m < r.models.size(); ++m) {
      std::string points;
      for (size_t idx = 0; idx < r.ks.size(); ++idx) {
        const double y = 8 + (H - B - 8) * (1 - Metric(r.models[m], metric, r.ks[idx]) / top);
        points += fmt::format("{:.1f},{:.1f} ", x_of(idx), y);
        svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"><title>{} {}@{} = {:.4f}</title></circle>",
                           x_of(idx), y, kColors[m % 8], Escape(r.models[m].spec), metric, r.ks[idx],
                           Metric(r.models[m], metric, r.ks[idx]));
      }
      svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>", points, kColors[m % 8]);
    }
    return svg + "</svg></figure>";
  };
  for (const char* metric : {"ndcg", "map", "precision", "recall", "hit_rate", "mrr", "coverage", "popularity"}) {
    if (Has(r, metric)) html += chart(metric);
  }
  // Latency bars (p50, p90, p99 per model).
  double top = 0;
  for (const ModelResult& m : r.models) top = std::max(top, m.latency_ms.p99);
  top = top > 0 ? top * 1.1 : 1.0;
  const double bar_h = 14;
  const double lat_h = 20 + r.models.size() * 3 * (bar_h + 2) + 10;
  html += fmt::format("<figure><figcaption>latency per list (ms): p50, p90, p99</figcaption><svg width=\"{}\" height=\"{:.0f}\">", 2 * W, lat_h);
  double y = 10;
  for (size_t m = 0; m < r.models.size(); ++m) {
    const double values[] = {r.models[m].latency_ms.p50, r.models[m].latency_ms.p90, r.models[m].latency_ms.p99};
    const char* names[] = {"p50", "p90", "p99"};
    for (int q = 0; q < 3; ++q) {
      const double w = (2 * W - 120) * values[q] / top;
      html += fmt::format("<rect x=\"40\" y=\"{:.0f}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\" opacity=\"{}\"/>"
                          "<text x=\"4\" y=\"{:.0f}\" font-size=\"11\">{}</text><text x=\"{:.1f}\" y=\"{:.0f}\" font-size=\"11\">{:.3f}</text>",
                          y, w, bar_h, kColors[m % 8], 1.0 - q * 0.25, y + 11, names[q], 44 + w, y + 11, values[q]);
      y += bar_h + 2;
    }
    y += 4;
  }
  html += "</svg></figure></div>";
  // The tables.
  for (size_t k : r.ks) {
    html += fmt::format("<h2>k = {}</h2><table><tr><th>model</th>", k);
    for (const char* name : kAccuracy) html += fmt::format("<th>{}</th>", name);
    for (const char* name : kBeyond) html += fmt::format("<th>{}</th>", name);
    html += "<th>p50 ms</th><th>p99 ms</th><th>train s</th></tr>";
    for (const ModelResult& m : r.models) {
      html += "<tr><td>" + Escape(m.spec) + "</td>";
      for (const char* name : kAccuracy) html += "<td>" + Cell(m, name, k, 4) + "</td>";
      for (const char* name : kBeyond) html += "<td>" + Cell(m, name, k, 3) + "</td>";
      html += fmt::format("<td>{:.3f}</td><td>{:.3f}</td><td>{:.2f}</td></tr>", m.latency_ms.p50, m.latency_ms.p99, m.train_seconds);
    }
    html += "</table>";
  }
  return html + "</body></html>\n";
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return Status::IOError("cannot write '" + path + "'");
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) return Status::IOError("writing '" + path + "' failed");
  return Status::OK();
}

}  // namespace recd
