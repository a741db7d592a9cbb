package io.kvsinfer.connector.kvs.soak;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the soak's report: a markdown summary and the memory curve as a PNG. */
final class SoakReport {

    private final StringBuilder markdown = new StringBuilder();

    SoakReport title(String title) {
        markdown.append("# ").append(title).append("\n\n");
        return this;
    }

    SoakReport paragraph(String text) {
        markdown.append(text).append("\n\n");
        return this;
    }

    SoakReport table(List<String> header, List<List<String>> rows) {
        markdown.append("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> markdown.append("---|"));
        markdown.append('\n');
        for (List<String> row : rows) {
            markdown.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        markdown.append('\n');
        return this;
    }

    SoakReport keyValues(Map<String, ?> values) {
        return table(
                List.of("what", "value"),
                values.entrySet().stream()
                        .map(e -> List.of(e.getKey(), String.valueOf(e.getValue())))
                        .toList());
    }

    void write(Path directory, List<MemoryProbe.Sample> samples) throws IOException {
        Files.createDirectories(directory);
        markdown.append(
                "![heap and resident memory](memory.png)\n\nSamples: [memory.csv](memory.csv).\n");
        Files.writeString(directory.resolve("report.md"), markdown);
        StringBuilder csv = new StringBuilder("minutes,heap_mb,rss_mb\n");
        samples.forEach(
                s ->
                        csv.append(
                                String.format(
                                        Locale.ROOT,
                                        "%.2f,%.1f,%.1f%n",
                                        s.minutes(),
                                        s.heapMb(),
                                        s.rssMb())));
        Files.writeString(directory.resolve("memory.csv"), csv);
        XYSeries heap = new XYSeries("heap after full GC, MB (committed frames excluded)");
        XYSeries rss = new XYSeries("resident memory of the JVM, MB");
        for (MemoryProbe.Sample sample : samples) {
            heap.add(sample.minutes(), sample.heapMb());
            rss.add(sample.minutes(), sample.rssMb());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(heap);
        data.addSeries(rss);
        JFreeChart chart =
                ChartFactory.createXYLineChart(
                        "Soak: memory over time",
                        "minutes",
                        "MB",
                        data,
                        PlotOrientation.VERTICAL,
                        true,
                        false,
                        false);
        ChartUtils.saveChartAsPNG(directory.resolve("memory.png").toFile(), chart, 900, 450);
    }

    static String mb(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
