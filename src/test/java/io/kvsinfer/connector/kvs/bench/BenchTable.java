package io.kvsinfer.connector.kvs.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table for benchmark output: columns sized to their content, numbers right-aligned.
 */
public final class BenchTable {

    private final String title;
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public BenchTable(String title, String... headers) {
        this.title = title;
        this.headers = List.of(headers);
    }

    /** Adds a row; numbers are formatted with {@code %s} unless already strings. */
    public BenchTable row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(
                    "row has "
                            + cells.length
                            + " cells but the table has "
                            + headers.size()
                            + " columns");
        }
        List<String> row = new ArrayList<>();
        for (Object c : cells) {
            row.add(String.valueOf(c));
        }
        rows.add(row);
        return this;
    }

    /** A line printed under the table. */
    public BenchTable note(String line) {
        notes.add(line);
        return this;
    }

    @Override
    public String toString() {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder("\n== ").append(title).append(" ==\n");
        line(out, headers, widths, false);
        char[] rule = new char[Arrays.stream(widths).sum() + 3 * (widths.length - 1)];
        Arrays.fill(rule, '-');
        out.append(rule).append('\n');
        for (List<String> row : rows) {
            line(out, row, widths, true);
        }
        for (String n : notes) {
            out.append(n).append('\n');
        }
        return out.toString();
    }

    private static void line(
            StringBuilder out, List<String> cells, int[] widths, boolean alignNumbers) {
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            boolean right =
                    alignNumbers
                            && !c.isEmpty()
                            && (Character.isDigit(c.charAt(0)) || c.charAt(0) == '-');
            String pad = " ".repeat(widths[i] - c.length());
            out.append(i == 0 ? "" : " | ")
                    .append(right ? pad + c : c + (i == cells.size() - 1 ? "" : pad));
        }
        out.append('\n');
    }

    public void print() {
        System.out.print(this);
        System.out.flush();
    }
}
