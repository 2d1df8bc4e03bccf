package pe.agriscore.samples.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders an {@link EvaluationReport} as one self-contained HTML page with inline SVG charts. */
final class ReportHtml {

  private static final String[] COLORS = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e"};
  private static final String ORACLE_COLOR = "#777777";
  private static final int SIZE = 340;
  private static final int PAD = 44;

  private ReportHtml() {}

  static String render(EvaluationReport r) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<title>").append(esc(title(r))).append("</title>\n<style>\n")
        .append("body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;")
        .append("margin:2em auto;")
        .append("max-width:1100px;color:#222;padding:0 1em}\n")
        .append("table{border-collapse:collapse;margin:.6em 0 1.4em}th,td{border:1px solid #ccc;")
        .append("padding:.25em .6em;text-align:right}th{background:#f3f3f3}")
        .append("td.l,th.l{text-align:left}\n")
        .append(".charts{display:flex;flex-wrap:wrap;gap:2em}.note{color:#555;font-size:.92em}\n")
        .append("svg text{font-size:11px;fill:#333}\n</style></head><body>\n");
    h.append("<h1>").append(esc(title(r))).append("</h1>\n");
    boolean oracle = r.oracle() != null;
    EvaluationReport.DataSummary d = r.data();
    h.append("<p>").append(esc(d.source())).append("<br>Schema <b>").append(esc(d.schema()))
        .append("</b> (").append(d.features()).append(" features), ").append(d.rows())
        .append(" rows, default rate ").append(pct(d.defaultRate())).append(".<br>Split: ")
        .append(esc(d.split())).append(" &mdash; ").append(d.trainRows()).append(" train, ")
        .append(d.validationRows()).append(" validation, ").append(d.testRows())
        .append(" test rows.<br>Generated ").append(esc(r.generatedAt())).append(".</p>\n");

    if (!r.crossValidation().isEmpty()) {
      h.append("<h2>Cross-validation (").append(r.crossValidation().get(0).folds())
          .append(" stratified folds): mean &plusmn; standard deviation over the folds</h2>\n")
          .append("<table><tr><th class=\"l\">model</th>");
      r.crossValidation().get(0).metrics().keySet()
          .forEach(k -> h.append("<th>").append(esc(k)).append("</th>"));
      h.append("</tr>\n");
      for (EvaluationReport.CrossValidation c : r.crossValidation()) {
        h.append("<tr><td class=\"l\">").append(esc(c.model())).append("</td>");
        c.metrics().values().forEach(v -> h.append("<td>").append(fmt("%.4f", v.mean()))
            .append(" &plusmn; ").append(fmt("%.4f", v.sd())).append("</td>"));
        h.append("</tr>\n");
      }
      h.append("</table>\n<p class=\"note\">The bundles below were then trained on all rows;"
          + " their figures are in-sample, on a 15% sample of their own training rows.</p>\n");
    }
    h.append(r.crossValidation().isEmpty() ? "<h2>Test set</h2>\n"
        : "<h2>Final bundles (in-sample)</h2>\n");
    h.append("<table><tr><th class=\"l\">model</th><th>engine</th><th>AUC</th>")
        .append(oracle ? "<th>% of oracle AUC</th>" : "")
        .append("<th>Gini</th><th>KS</th><th>Brier</th><th>log-loss</th>")
        .append("<th>ECE</th><th>mean PD</th><th>training time</th><th>bundle</th></tr>\n");
    for (EvaluationReport.ModelReport m : r.models()) {
      ModelEvaluation e = m.test();
      h.append("<tr><td class=\"l\">").append(esc(m.name())).append("</td><td>")
          .append(esc(m.engine())).append("</td>").append(metricCells(e, !oracle ? null
              : m.aucShareOfOracle() == null ? "&ndash;" : pct(m.aucShareOfOracle())))
          .append("<td>").append(EvaluationReport.duration(m.trainingSeconds()))
          .append("</td><td>")
          .append(fmt("%.1f KB", m.bundleBytes() / 1024.0)).append("</td></tr>\n");
    }
    if (r.oracle() != null) {
      h.append("<tr><td class=\"l\"><i>oracle (true PD)</i></td><td>&ndash;</td>")
          .append(metricCells(r.oracle(), "100%"))
          .append("<td>&ndash;</td><td>&ndash;</td></tr>\n");
    }
    h.append("</table>\n");
    for (String s : r.skipped()) {
      h.append("<p class=\"note\"><b>Skipped:</b> ").append(esc(s)).append("</p>\n");
    }

    h.append("<div class=\"charts\">\n").append(rocChart(r)).append(calibrationChart(r))
        .append("</div>\n");

    if (!r.models().isEmpty() && !r.models().get(0).test().segments().isEmpty()) {
      h.append("<h2>AUC by segment</h2>\n");
      for (String feature : r.models().get(0).test().segments().keySet()) {
        h.append("<h3>").append(esc(feature)).append("</h3>\n<table><tr><th class=\"l\">level</th>")
            .append("<th>rows</th><th>defaults</th>");
        for (EvaluationReport.ModelReport m : r.models()) {
          h.append("<th>").append(esc(m.name())).append("</th>");
        }
        if (r.oracle() != null) {
          h.append("<th><i>oracle</i></th>");
        }
        h.append("</tr>\n");
        List<ModelEvaluation.SegmentAuc> levels = r.models().get(0).test().segments().get(feature);
        for (int i = 0; i < levels.size(); i++) {
          ModelEvaluation.SegmentAuc s = levels.get(i);
          h.append("<tr><td class=\"l\">").append(esc(s.level())).append("</td><td>")
              .append(s.rows()).append("</td><td>").append(s.defaults()).append("</td>");
          for (EvaluationReport.ModelReport m : r.models()) {
            h.append("<td>").append(num(m.test().segments().get(feature).get(i).auc()))
                .append("</td>");
          }
          if (r.oracle() != null) {
            h.append("<td>").append(num(r.oracle().segments().get(feature).get(i).auc()))
                .append("</td>");
          }
          h.append("</tr>\n");
        }
        h.append("</table>\n");
      }
    }

    h.append("<h2>Reliability (10 equal-frequency bins of predicted PD)</h2>\n");
    for (EvaluationReport.ModelReport m : r.models()) {
      h.append("<h3>").append(esc(m.name())).append(" &mdash; ECE ")
          .append(fmt("%.4f", m.test().ece())).append("</h3>\n").append(reliability(m.test()));
    }
    if (r.oracle() != null) {
      h.append("<h3><i>oracle</i> &mdash; ECE ").append(fmt("%.4f", r.oracle().ece()))
          .append("</h3>\n").append(reliability(r.oracle()));
    }

    h.append("<h2>Models</h2>\n<table><tr><th class=\"l\">model</th><th class=\"l\">format</th>")
        .append("<th>inputs</th><th class=\"l\">how it was trained</th></tr>\n");
    for (EvaluationReport.ModelReport m : r.models()) {
      h.append("<tr><td class=\"l\">").append(esc(m.name())).append("<br><span class=\"note\">")
          .append(esc(m.bundle())).append("</span></td><td class=\"l\">")
          .append(esc(m.modelFormat())).append("</td><td>").append(m.inputWidth())
          .append("</td><td class=\"l\">").append(esc(m.details())).append("</td></tr>\n");
    }
    h.append("</table>\n<h2>Notes</h2>\n<ul class=\"note\">\n");
    for (String n : r.notes()) {
      h.append("<li>").append(esc(n)).append("</li>\n");
    }
    h.append("<li>").append(esc(r.environment())).append("</li>\n</ul>\n</body></html>\n");
    return h.toString();
  }

  /**
   * The page title: the reference models on generated farmer data, else the schema's models
   * (a bank's own data).
   */
  private static String title(EvaluationReport r) {
    return (r.oracle() != null && r.data().schema().startsWith(
        pe.agriscore.samples.data.FarmerSchema.schema().name() + " ")
        ? "AgriScore reference models" : "Models of schema " + r.data().schema())
        + ": evaluation";
  }

  /** {@code shareOfOracle} null: no oracle column. */
  private static String metricCells(ModelEvaluation e, String shareOfOracle) {
    return "<td>" + fmt("%.4f", e.auc()) + "</td>"
        + (shareOfOracle == null ? "" : "<td>" + shareOfOracle + "</td>") + "<td>"
        + fmt("%.4f", e.gini()) + "</td><td>" + fmt("%.4f", e.ks()) + "</td><td>"
        + fmt("%.4f", e.brier()) + "</td><td>" + fmt("%.4f", e.logLoss()) + "</td><td>"
        + fmt("%.4f", e.ece()) + "</td><td>" + fmt("%.4f", e.meanPd()) + "</td>";
  }

  private static String reliability(ModelEvaluation e) {
    StringBuilder h = new StringBuilder("<table><tr><th>bin</th><th>rows</th><th>PD from</th>")
        .append("<th>PD to</th><th>mean PD</th><th>observed rate</th><th>difference</th></tr>\n");
    int i = 1;
    for (Metrics.Bin b : e.reliability()) {
      h.append("<tr><td>").append(i++).append("</td><td>").append(b.rows()).append("</td><td>")
          .append(fmt("%.4f", b.minPd())).append("</td><td>").append(fmt("%.4f", b.maxPd()))
          .append("</td><td>").append(fmt("%.4f", b.meanPd())).append("</td><td>")
          .append(fmt("%.4f", b.observedRate())).append("</td><td>")
          .append(fmt("%+.4f", b.observedRate() - b.meanPd())).append("</td></tr>\n");
    }
    return h.append("</table>\n").toString();
  }

  private record Series(String name, String color, boolean dashed, List<double[]> points) {}

  private static List<Series> series(EvaluationReport r, boolean roc) {
    List<Series> list = new ArrayList<>();
    int i = 0;
    for (EvaluationReport.ModelReport m : r.models()) {
      list.add(new Series(m.name(), COLORS[i++ % COLORS.length], false,
          roc ? m.test().roc() : calibrationPoints(m.test())));
    }
    if (r.oracle() != null) {
      list.add(new Series("oracle", ORACLE_COLOR, true,
          roc ? r.oracle().roc() : calibrationPoints(r.oracle())));
    }
    return list;
  }

  private static List<double[]> calibrationPoints(ModelEvaluation e) {
    List<double[]> pts = new ArrayList<>();
    for (Metrics.Bin b : e.reliability()) {
      pts.add(new double[] {b.meanPd(), b.observedRate()});
    }
    return pts;
  }

  private static String rocChart(EvaluationReport r) {
    return chart("ROC curve (test set)", "false positive rate", "true positive rate", 1.0,
        series(r, true), false);
  }

  private static String calibrationChart(EvaluationReport r) {
    double max = 0;
    for (Series s : series(r, false)) {
      for (double[] p : s.points()) {
        max = Math.max(max, Math.max(p[0], p[1]));
      }
    }
    double top = Math.ceil(max * 10 + 1e-9) / 10;
    return chart("Calibration (10 equal-frequency bins)", "mean predicted PD",
        "observed default rate", Math.max(0.1, Math.min(1, top)), series(r, false), true);
  }

  /** A square chart from 0 to {@code max} on both axes with a diagonal. */
  private static String chart(String title, String xLabel, String yLabel, double max,
      List<Series> series, boolean markers) {
    int w = SIZE + PAD + 150;
    int h = SIZE + PAD + 30;
    StringBuilder s = new StringBuilder();
    s.append("<figure><figcaption><b>").append(esc(title)).append("</b></figcaption>\n")
        .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w)
        .append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ')
        .append(h).append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">\n");
    int x0 = PAD;
    int y0 = 10 + SIZE;
    s.append("<rect x=\"").append(x0).append("\" y=\"10\" width=\"").append(SIZE)
        .append("\" height=\"").append(SIZE).append("\" fill=\"#fff\" stroke=\"#999\"/>\n");
    for (int k = 0; k <= 5; k++) {
      double v = max * k / 5;
      double px = x0 + SIZE * k / 5.0;
      double py = y0 - SIZE * k / 5.0;
      s.append(fmt("<line x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>", px, px,
              y0))
          .append(fmt("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>", x0, py,
              x0 + SIZE, py))
          .append(fmt("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", px, y0 + 14,
              tick(v)))
          .append(fmt("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", x0 - 4, py + 4,
              tick(v)));
    }
    s.append(fmt("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"10\" stroke=\"#bbb\""
        + " stroke-dasharray=\"4 3\"/>%n", x0, y0, x0 + SIZE));
    s.append(fmt("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
        x0 + SIZE / 2.0, y0 + 30, esc(xLabel)));
    s.append(fmt("<text x=\"12\" y=\"%.1f\" text-anchor=\"middle\""
        + " transform=\"rotate(-90 12 %.1f)\">"
        + "%s</text>%n", 10 + SIZE / 2.0, 10 + SIZE / 2.0, esc(yLabel)));
    int legendY = 20;
    for (Series ser : series) {
      StringBuilder pts = new StringBuilder();
      for (double[] p : ser.points()) {
        pts.append(fmt("%.1f,%.1f ", x0 + SIZE * Math.min(p[0], max) / max,
            y0 - SIZE * Math.min(p[1], max) / max));
      }
      s.append("<polyline fill=\"none\" stroke=\"").append(ser.color())
          .append("\" stroke-width=\"1.8\"").append(ser.dashed() ? " stroke-dasharray=\"5 3\"" : "")
          .append(" points=\"").append(pts.toString().trim()).append("\"/>\n");
      if (markers) {
        for (double[] p : ser.points()) {
          s.append(fmt("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\" fill=\"%s\"/>",
              x0 + SIZE * Math.min(p[0], max) / max, y0 - SIZE * Math.min(p[1], max) / max,
              ser.color()));
        }
        s.append('\n');
      }
      s.append(fmt("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
          + " stroke-width=\"2\"%s/>",
          x0 + SIZE + 12, legendY, x0 + SIZE + 32, legendY, ser.color(),
          ser.dashed() ? " stroke-dasharray=\"5 3\"" : ""))
          .append(fmt("<text x=\"%d\" y=\"%d\">%s</text>%n", x0 + SIZE + 36, legendY + 4,
              esc(ser.name())));
      legendY += 18;
    }
    return s.append("</svg></figure>\n").toString();
  }

  private static String tick(double v) {
    return v == Math.rint(v) ? fmt("%.0f", v) : fmt("%.2f", v);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "&ndash;" : fmt("%.4f", v);
  }

  private static String pct(double v) {
    return fmt("%.1f%%", 100 * v);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
