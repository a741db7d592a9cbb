package io.kvsinfer.connector.kvs.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The benchmark's PNG charts. */
final class BenchCharts {

    private BenchCharts() {}

    /** The live-lag distribution: lag against percentile. */
    static void lagDistribution(Histogram lag, Path png) throws IOException {
        XYSeries series = new XYSeries("live lag");
        for (HistogramIterationValue v : lag.percentiles(5)) {
            if (v.getPercentileLevelIteratedTo() < 100) {
                series.add(v.getPercentileLevelIteratedTo(), v.getValueIteratedTo());
            }
        }
        series.add(100.0, lag.getMaxValue());
        save(
                png,
                ChartFactory.createXYLineChart(
                        "Live lag: fragment available -> first frame out",
                        "percentile",
                        "ms",
                        new XYSeriesCollection(series),
                        PlotOrientation.VERTICAL,
                        false,
                        false,
                        false));
    }

    /**
     * Aggregate throughput against camera count: one line per named series of (cameras, fps)
     * points, for example the scaling runs at parallelism 1 and 2.
     */
    static void throughput(Map<String, Map<Integer, Double>> lines, String title, Path png)
            throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        lines.forEach(
                (name, points) -> {
                    XYSeries series = new XYSeries(name);
                    points.forEach(series::add);
                    data.addSeries(series);
                });
        save(
                png,
                ChartFactory.createXYLineChart(
                        title,
                        "cameras",
                        "frames per second",
                        data,
                        PlotOrientation.VERTICAL,
                        true,
                        false,
                        false));
    }

    private static void save(Path png, JFreeChart chart) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(png.getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 450);
    }
}
