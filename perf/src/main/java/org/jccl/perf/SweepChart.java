package org.jccl.perf;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws a sweep with JFreeChart: busbw against size on top, p50 latency against size below (both
 * sizes and latencies on log scales), one line per collective, or per run and collective when rows
 * of several runs are drawn together, and a dashed line at the link rate when one is given.
 */
final class SweepChart {
    private static final int WIDTH = 1100;
    private static final int HEIGHT = 800;

    private SweepChart() {
    }

    static void writePng(Path file, String title, List<SweepRow> rows, LinkRate linkRate) throws IOException {
        System.setProperty("java.awt.headless", "true");
        boolean severalRuns = rows.stream().map(SweepRow::label).distinct().count() > 1;
        Map<String, XYSeries[]> lines = new LinkedHashMap<>();
        for (SweepRow r : rows) {
            if (r.size() <= 0) {
                continue; // no place on a log axis
            }
            String name = severalRuns ? r.label() + " " + r.op() : r.op();
            XYSeries[] s = lines.computeIfAbsent(name, k -> new XYSeries[] {new XYSeries(k), new XYSeries(k)});
            s[0].addOrUpdate(r.size(), r.busbwGBs());
            s[1].addOrUpdate(r.size(), Math.max(r.p50Us(), 0.01));
        }
        XYSeriesCollection bandwidth = new XYSeriesCollection();
        XYSeriesCollection latency = new XYSeriesCollection();
        lines.values().forEach(s -> {
            bandwidth.addSeries(s[0]);
            latency.addSeries(s[1]);
        });

        LogAxis size = new LogAxis("message size (bytes)");
        size.setBase(2);
        size.setNumberFormatOverride(new BinarySizeFormat());
        size.setSmallestValue(1);

        NumberAxis busbw = new NumberAxis("busbw (GB/s)");
        busbw.setAutoRangeIncludesZero(true);
        XYPlot top = new XYPlot(bandwidth, null, busbw, renderer(lines.size(), true));
        if (linkRate != null) {
            ValueMarker m = new ValueMarker(linkRate.gigabytesPerSecond(), Color.DARK_GRAY,
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
            m.setLabel("link " + linkRate.text());
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            m.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            top.addRangeMarker(m);
            busbw.setUpperBound(Math.max(busbw.getUpperBound(), linkRate.gigabytesPerSecond() * 1.1));
        }

        LogAxis p50 = new LogAxis("p50 time (µs)");
        p50.setNumberFormatOverride(new DecimalFormat("0.##"));
        p50.setSmallestValue(0.01);
        p50.setAutoTickUnitSelection(false);
        p50.setTickUnit(new NumberTickUnit(1)); // a tick at each power of ten
        XYPlot bottom = new XYPlot(latency, null, p50, renderer(lines.size(), false));

        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(size);
        plot.setGap(12);
        plot.add(top, 3);
        plot.add(bottom, 2);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    /** Both panels draw line i in the same colour and shape; only the top one feeds the legend. */
    private static XYLineAndShapeRenderer renderer(int lineCount, boolean inLegend) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setDefaultStroke(new BasicStroke(2f));
        r.setAutoPopulateSeriesStroke(false);
        r.setAutoPopulateSeriesPaint(false);
        r.setAutoPopulateSeriesShape(false);
        DefaultDrawingSupplier colours = new DefaultDrawingSupplier();
        for (int i = 0; i < lineCount; i++) {
            r.setSeriesPaint(i, colours.getNextPaint());
            r.setSeriesShape(i, colours.getNextShape());
        }
        r.setDefaultSeriesVisibleInLegend(inLegend);
        return r;
    }

    /** Axis labels as 8, 1K, 64K, 1M: powers of 1024, like the sizes on the command line. */
    static final class BinarySizeFormat extends NumberFormat {
        @Override
        public StringBuffer format(double number, StringBuffer to, FieldPosition pos) {
            return format(Math.round(number), to, pos);
        }

        @Override
        public StringBuffer format(long number, StringBuffer to, FieldPosition pos) {
            String[] units = {"", "K", "M", "G"};
            int u = 0;
            double v = number;
            while (v >= 1024 && u < units.length - 1) {
                v /= 1024;
                u++;
            }
            return to.append(String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f%s" : "%.1f%s", v, units[u]));
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            throw new UnsupportedOperationException("labels are only written");
        }
    }
}
