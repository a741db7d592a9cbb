package io.kvsinfer.connector.kvs.localkvs.media;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

import java.util.List;

/**
 * {@link FragmentedMedia} over fragments that were muxed once: serving one only copies its bytes
 * and patches the clock fields found in advance, so it costs a memory copy and no FFmpeg call.
 */
@Internal
final class PreparedMedia implements FragmentedMedia {

    /** One fragment in both containers, with what was learnt about it while muxing. */
    record Fragment(
            byte[] mp4,
            Mp4FragmentTiming mp4Timing,
            byte[] ts,
            TsTiming tsTiming,
            int frameCount,
            long durationMillis,
            /** The {@code tfdt} the muxer wrote: the fragment's decode time in the source. */
            long originalDecodeTime) {}

    /**
     * The audio track, muxed apart for fMP4 (KVS serves one fMP4 track per media playlist).
     *
     * @param fragments one per video fragment, in the same order
     */
    record Audio(String hlsCodecs, byte[] init, long timescale, List<AudioFragment> fragments) {}

    /**
     * The audio of one fragment as an fMP4 media segment.
     *
     * @param offsetMicros when its first sample plays, relative to the video fragment's first frame
     */
    record AudioFragment(byte[] mp4, Mp4FragmentTiming timing, long offsetMicros) {}

    private final String codecId;
    private final String hlsCodecs;
    private final int width;
    private final int height;
    private final double frameRate;
    private final byte[] init;
    private final long timescale;
    private final List<Fragment> fragments;
    private final Audio audio;

    PreparedMedia(
            String codecId,
            String hlsCodecs,
            int width,
            int height,
            double frameRate,
            byte[] init,
            long timescale,
            List<Fragment> fragments) {
        this(codecId, hlsCodecs, width, height, frameRate, init, timescale, fragments, null);
    }

    PreparedMedia(
            String codecId,
            String hlsCodecs,
            int width,
            int height,
            double frameRate,
            byte[] init,
            long timescale,
            List<Fragment> fragments,
            Audio audio) {
        Preconditions.checkArgument(!fragments.isEmpty(), "fragments must not be empty");
        Preconditions.checkArgument(
                timescale > 0, "timescale is %s but must be positive", timescale);
        this.codecId = codecId;
        this.hlsCodecs = hlsCodecs;
        this.width = width;
        this.height = height;
        this.frameRate = frameRate;
        this.init = init;
        this.timescale = timescale;
        this.fragments = List.copyOf(fragments);
        Preconditions.checkArgument(
                audio == null || audio.fragments().size() == fragments.size(),
                "audio has %s fragments, video %s",
                audio == null ? 0 : audio.fragments().size(),
                fragments.size());
        this.audio = audio;
    }

    @Override
    public String codecId() {
        return codecId;
    }

    @Override
    public String hlsCodecs() {
        return hlsCodecs;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public double frameRate() {
        return frameRate;
    }

    @Override
    public int fragmentCount() {
        return fragments.size();
    }

    @Override
    public int frameCount(int index) {
        return fragment(index).frameCount();
    }

    @Override
    public long durationMillis(int index) {
        return fragment(index).durationMillis();
    }

    @Override
    public byte[] initSegment() {
        return init.clone();
    }

    @Override
    public byte[] mp4Fragment(int index, long startMillis, long sequenceNumber) {
        checkStart(startMillis);
        Fragment f = fragment(index);
        // Exact for the 90 kHz timescale we mux with; overflow would need a start past year 3000.
        long ticks = Math.floorDiv(Math.multiplyExact(startMillis, timescale), 1000L);
        return f.mp4Timing().retime(f.mp4(), ticks, sequenceNumber);
    }

    @Override
    public byte[] tsFragment(int index, long startMillis) {
        checkStart(startMillis);
        Fragment f = fragment(index);
        return f.tsTiming()
                .retime(f.ts(), Math.floorMod(Math.multiplyExact(startMillis, 90L), TsTiming.WRAP));
    }

    @Override
    public boolean hasAudio() {
        return audio != null;
    }

    @Override
    public String audioHlsCodecs() {
        return requireAudio().hlsCodecs();
    }

    @Override
    public byte[] audioInitSegment() {
        return requireAudio().init().clone();
    }

    @Override
    public byte[] audioMp4Fragment(int index, long startMillis, long sequenceNumber) {
        checkStart(startMillis);
        Audio a = requireAudio();
        Preconditions.checkElementIndex(index, fragments.size(), "fragment index");
        AudioFragment f = a.fragments().get(index);
        long ticks =
                Math.floorDiv(Math.multiplyExact(startMillis, a.timescale()), 1000L)
                        + Math.floorDiv(f.offsetMicros() * a.timescale(), 1_000_000L);
        return f.timing().retime(f.mp4(), Math.max(0, ticks), sequenceNumber);
    }

    private Audio requireAudio() {
        if (audio == null) {
            throw new UnsupportedOperationException("the media has no audio track");
        }
        return audio;
    }

    /** The track timescale of the init segment: units of {@code tfdt} and {@code trun}. */
    long timescale() {
        return timescale;
    }

    Fragment fragment(int index) {
        Preconditions.checkElementIndex(index, fragments.size(), "fragment index");
        return fragments.get(index);
    }

    private static void checkStart(long startMillis) {
        Preconditions.checkArgument(
                startMillis >= 0,
                "startMillis is %s but must be an epoch time, not negative",
                startMillis);
    }

    @Override
    public String toString() {
        return "PreparedMedia{"
                + codecId
                + " "
                + hlsCodecs
                + " "
                + width
                + "x"
                + height
                + "@"
                + frameRate
                + ", "
                + fragments.size()
                + " fragments"
                + (audio == null ? "" : ", audio " + audio.hlsCodecs())
                + "}";
    }
}
