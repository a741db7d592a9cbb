package io.kvsinfer.connector.kvs.localkvs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A fetched media playlist, split into what tests look at. */
final class Playlist {

    private static final Pattern FRAGMENT_NUMBER = Pattern.compile("FragmentNumber=(\\d+)");

    final String text;
    final List<String> lines;

    Playlist(String text) {
        this.text = text;
        this.lines = Arrays.asList(text.split("\n"));
    }

    /** The URI lines (fragments), in order. */
    List<String> uris() {
        List<String> uris = new ArrayList<>();
        for (String line : lines) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                uris.add(line);
            }
        }
        return uris;
    }

    List<String> fragmentNumbers() {
        List<String> numbers = new ArrayList<>();
        for (String uri : uris()) {
            Matcher m = FRAGMENT_NUMBER.matcher(uri);
            if (m.find()) {
                numbers.add(m.group(1));
            }
        }
        return numbers;
    }

    long count(String tagPrefix) {
        return lines.stream().filter(l -> l.startsWith(tagPrefix)).count();
    }

    /** Values of lines starting with {@code tagPrefix}, prefix removed. */
    List<String> values(String tagPrefix) {
        List<String> values = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith(tagPrefix)) {
                values.add(line.substring(tagPrefix.length()));
            }
        }
        return values;
    }

    String single(String tagPrefix) {
        List<String> values = values(tagPrefix);
        if (values.size() != 1) {
            throw new AssertionError("Expected one " + tagPrefix + " in\n" + text);
        }
        return values.get(0);
    }

    /**
     * The playlist as a compact sequence: D for a discontinuity, M for a map, F for a fragment, so
     * tests can assert the structure in one string.
     */
    String shape() {
        StringBuilder s = new StringBuilder();
        for (String line : lines) {
            if (line.startsWith("#EXT-X-DISCONTINUITY")) {
                s.append('D');
            } else if (line.startsWith("#EXT-X-MAP")) {
                s.append('M');
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                s.append('F');
            }
        }
        return s.toString();
    }
}
