package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.decoder.FragmentDecoder;
import io.kvsinfer.connector.kvs.decoder.KeyFrameProbe;
import io.kvsinfer.connector.kvs.hls.HlsBodyTooLargeException;
import io.kvsinfer.connector.kvs.hls.HlsFetchException;
import io.kvsinfer.connector.kvs.hls.HlsHttpClient;
import io.kvsinfer.connector.kvs.hls.HlsSegment;
import io.kvsinfer.connector.kvs.hls.KvsApiException;
import io.kvsinfer.connector.kvs.hls.KvsSessionClient;
import io.kvsinfer.connector.kvs.hls.MediaPlaylist;
import io.kvsinfer.connector.kvs.hls.StreamRef;
import io.kvsinfer.connector.kvs.source.FrameMapper;
import io.kvsinfer.connector.kvs.source.FrameSourceException;
import io.kvsinfer.connector.kvs.source.HlsStreamException;
import io.kvsinfer.connector.kvs.source.KvsConnectionException;
import io.kvsinfer.connector.kvs.source.config.FragmentSelectorType;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.source.metrics.CameraMetrics;
import io.kvsinfer.connector.kvs.source.metrics.ConnectionState;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Reads one camera: opens HLS sessions as the {@link SessionPlanner} decides, follows the playlist,
 * fetches each fragment (the next one while the current one decodes), decodes it and maps the
 * selected frames. Failures reconnect with backoff; after {@code maxConsecutiveErrors} in a row the
 * camera fails the job. Runs on the camera's own fetcher thread; not thread-safe except {@link
 * #wakeUp()}.
 */
@Internal
final class CameraFetcher<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CameraFetcher.class);

    /** A live camera with no new fragment for this long is idle for event time. */
    static final long LIVE_IDLE_AFTER_NANOS = Duration.ofSeconds(10).toNanos();

    /** KVS lists at most this many fragments in an on-demand playlist; a full one continues. */
    static final int ON_DEMAND_MAX_RESULTS = 1000;

    /**
     * A fragment that starts this close to where the one opened before ended follows it in the
     * stream, and is decoded on in the same decoder; anything further is a break.
     */
    static final long CONTINUITY_TOLERANCE_MILLIS = 100;

    private final KvsStreamSplit split;
    private final StreamRef stream;
    private final KvsSourceConfig config;
    private final KvsSessionClient sessions;
    private final HlsHttpClient http;
    private final FragmentFrames<T> frames;
    private final CameraMetrics metrics;
    private final Clock clock;
    private final WakeableSleeper sleeper = new WakeableSleeper();
    private final SessionPlanner planner;
    private final ReadCursor cursor;
    private final Backoff backoff;
    private final FragmentPrefetcher prefetcher;

    /**
     * Found by discovery rather than added by name: a deleted stream then ends the camera, not the
     * job.
     */
    private final boolean discovered;

    /** When the backoff after a failure ends (System.nanoTime()); 0 when no backoff is running. */
    private long retryAtNanos;

    private SessionPlan plan;

    /** The session the next playlist comes from; null when the next plan needs a new one. */
    private HlsSessionHandle session;

    private final FragmentQueue queue = new FragmentQueue();
    private final ResumePoint resume;

    private volatile boolean finished;

    /** The camera finished because its (discovered) stream no longer exists. */
    private volatile boolean streamGone;

    private boolean reconnecting;
    private boolean idleSignalled;
    private boolean startAnnounced;

    /** The camera just signalled idle; the next fetch waits the idle poll interval first. */
    private boolean idleWaitPending;

    private long lastNewFragmentNanos = System.nanoTime();

    /** Where the fragment opened last ends (start + duration), to tell whether the next follows. */
    private long lastOpenedEndMillis = Long.MIN_VALUE;

    /** Restored: the fragments before the one resumed in, decoded first without emitting. */
    private final RestorePrimers primers = new RestorePrimers();

    CameraFetcher(
            KvsStreamSplit split,
            KvsSourceConfig config,
            KvsSessionClient sessions,
            HlsHttpClient http,
            FragmentDecoder decoder,
            FrameMapper<T> mapper,
            CameraMetrics metrics,
            Clock clock,
            boolean discovered) {
        this.split = split;
        this.discovered = discovered;
        this.stream = StreamRef.parse(split.stream());
        this.config = config;
        this.sessions = sessions;
        this.http = http;
        this.metrics = metrics;
        this.clock = clock;
        this.planner =
                new SessionPlanner(
                        split.startingPosition(),
                        split.stoppingTimestampMillis(),
                        config.fragmentSelector() == FragmentSelectorType.SERVER_TIMESTAMP);
        this.backoff =
                new Backoff(
                        config.reconnectDelay(),
                        config.maxReconnectDelay(),
                        config.backoffMultiplier(),
                        config.maxConsecutiveErrors(),
                        () -> ThreadLocalRandom.current().nextDouble());
        this.prefetcher = new FragmentPrefetcher(http, config.maxFragmentBytes());

        this.resume = ResumePoint.of(split.position().orElse(null));
        long startFilter =
                split.startingPosition().kind() == StartingPosition.Kind.TIMESTAMP
                                && !resume.isRestored()
                        ? split.startingPosition().timestampMillis()
                        : -1;
        FrameSelector selector =
                new FrameSelector(
                        config.samplingMode(),
                        config.samplingFps(),
                        startFilter,
                        split.stoppingTimestampMillis(),
                        resume.lastEmittedMillis());
        this.frames =
                new FragmentFrames<>(
                        split.cameraId(),
                        split.stream(),
                        decoder,
                        config.outputPixelFormat(),
                        mapper,
                        selector,
                        DecodeSlots.shared(config.decoderConcurrentCameras()),
                        metrics,
                        clock);
        this.cursor =
                resume.isRestored()
                        ? ReadCursor.restoredAt(resume.fragmentStartMillis())
                        : new ReadCursor();
    }

    String cameraId() {
        return split.cameraId();
    }

    boolean isFinished() {
        return finished;
    }

    /** Whether the camera finished because its stream was deleted. */
    boolean isStreamGone() {
        return streamGone;
    }

    /**
     * Reads the next batch: up to a few frames, an idle signal, or nothing after a bounded wait.
     */
    List<CameraRecord<T>> fetch() {
        List<CameraRecord<T>> out = new ArrayList<>();
        if (!backoffIsOver()) {
            return out;
        }
        if (idleWaitPending) {
            idleWaitPending = false;
            sleeper.sleep(config.idlePollInterval());
        }
        long decodedBefore = frames.fragmentsDecoded();
        long skippedBefore = frames.fragmentsSkipped();
        try {
            if (!frames.hasFragment() && !finished) {
                renewListingSessionIfExpiring();
                if (queue.isEmpty()) {
                    refill(out);
                }
                if (!queue.isEmpty() && !startAnnounced) {
                    // Announce where the camera starts before fetching and decoding its first
                    // fragment,
                    // which can take a while, so that event time accounts for this camera at once.
                    startAnnounced = true;
                    out.add(CameraRecord.nothingBefore(startOf(queue.peek())));
                    return out;
                }
                if (!queue.isEmpty()) {
                    startNextFragment();
                }
            }
            if (frames.hasFragment()) {
                decodeInto(out);
            }
        } catch (KvsApiException | HlsFetchException | FrameSourceException e) {
            // Only service and I/O failures are retried; anything else is a bug and fails the task.
            onFailure(ReadFailures.toSourceException(e));
            return out;
        }
        // Progress is a fragment decoded to its end; a skipped one counts as a failure like any
        // other.
        if (frames.fragmentsSkipped() > skippedBefore) {
            onSkippedFragment();
        } else if (frames.fragmentsDecoded() > decodedBefore) {
            backoff.onSuccess();
        }
        return out;
    }

    /**
     * Waits out the backoff of the last failure. A wake-up (alignment, a new split, shutdown) ends
     * the wait early so Flink gets control back; the next fetch waits for the rest.
     */
    private boolean backoffIsOver() {
        if (retryAtNanos == 0) {
            return true;
        }
        long remaining = retryAtNanos - System.nanoTime();
        if (remaining > 0) {
            sleeper.sleep(Duration.ofNanos(remaining));
        }
        if (System.nanoTime() - retryAtNanos < 0) {
            return false;
        }
        retryAtNanos = 0;
        return true;
    }

    /**
     * Queued fragments are fetched with the token of the session that listed them; a long backfill
     * drains its queue for longer than a session lives, so it is listed again before the token
     * expires.
     */
    private void renewListingSessionIfExpiring() {
        HlsSessionHandle listingSession = queue.listingSession();
        if (listingSession == null
                || queue.isEmpty()
                || !listingSession.expiresWithin(clock.instant(), config.urlRefreshMargin())) {
            return;
        }
        LOG.info(
                "Camera {}: renewing the HLS session before it expires, {} fragments still to read",
                cameraId(),
                queue.size());
        metrics.urlRefreshed();
        dropSession();
    }

    // ---- sessions and playlists --------------------------------------------------------------

    private void refill(List<CameraRecord<T>> out) {
        long covered = queue.takeCoveredUntil();
        if (covered != Long.MIN_VALUE) {
            cursor.verifiedUntil(covered);
        }
        if (plan == null) {
            plan = firstPlan();
        }
        if (plan.kind() == SessionPlan.Kind.FINISHED) {
            // The frames the decoder still holds are the stream's last ones: out before the end.
            if (!frames.endStream()) {
                finished = true;
            }
            return;
        }
        if (plan.kind() == SessionPlan.Kind.WAIT) {
            // A bounded range not yet in the past: read on once more of it is.
            if (sleeper.sleep(config.idlePollInterval())) {
                plan = planner.afterWait(plan, clock.millis());
            }
            return;
        }
        if (session != null && session.expiresWithin(clock.instant(), config.urlRefreshMargin())) {
            LOG.info(
                    "Camera {}: renewing the HLS session {} before it expires",
                    cameraId(),
                    config.urlRefreshMargin());
            metrics.urlRefreshed();
            session = null;
        }
        if (session == null && !openSession(out)) {
            return;
        }
        queue.listedBy(session);
        if (plan.isLive()) {
            followLivePlaylist(out);
        } else {
            readOnDemandPlaylist();
        }
    }

    private SessionPlan firstPlan() {
        long now = clock.millis();
        if (resume.isRestored()) {
            // From a little earlier, to find the fragment before the resumed one (see primer).
            return planner.restored(
                    Math.max(0, cursor.lastStartMillis() + 1 - RestorePrimers.LOOKBACK_MILLIS),
                    now);
        }
        long earliest =
                split.startingPosition().kind() == StartingPosition.Kind.EARLIEST
                        ? now - sessions.dataRetention(stream).toMillis()
                        : 0;
        return planner.initial(now, earliest);
    }

    /** Opens a session for the current plan; false if there is nothing to read right now. */
    private boolean openSession(List<CameraRecord<T>> out) {
        metrics.state(reconnecting ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING);
        try {
            java.time.Instant expiresAt = clock.instant().plus(config.sessionDuration());
            session =
                    new HlsSessionHandle(
                            plan,
                            sessions.openSession(stream, SessionRequests.forPlan(plan, config)),
                            expiresAt,
                            http,
                            config.maxPlaylistBytes(),
                            config.maxFragmentBytes(),
                            new LivePollSchedule(
                                    config.playlistPollInterval(), config.liveEdgePollInterval()));
        } catch (KvsApiException e) {
            SessionPlan earlier =
                    e.kind() == KvsApiException.Kind.INVALID_ARGUMENT
                            ? planner.serviceClockBehind(plan, clock.millis())
                            : null;
            if (earlier != null) {
                LOG.warn(
                        "Camera {}: KVS rejected {} ({}); its clock seems to lag this host's by"
                                + " more than {} ms, so ranges end earlier: {}",
                        cameraId(),
                        plan,
                        e.getMessage(),
                        planner.serviceLagMillis(),
                        earlier);
                plan = earlier;
                return false;
            }
            if (e.kind() != KvsApiException.Kind.NO_FRAGMENTS) {
                throw e;
            }
            if (plan.isLive()) {
                if (frames.endStream()) {
                    // No new fragment: the frames the decoder holds go out before going idle.
                    backoff.onSuccess();
                    return false;
                }
                becomeIdle(out);
            } else {
                // An empty range: nothing to read there up to its settled end, go on with the next.
                cursor.verifiedUntil(plan.settledUntilMillis());
                plan = planner.afterCatchUp(plan, clock.millis());
            }
            return false;
        }
        if (reconnecting) {
            metrics.reconnected();
            reconnecting = false;
        }
        metrics.state(ConnectionState.CONNECTED);
        return true;
    }

    private void becomeIdle(List<CameraRecord<T>> out) {
        metrics.idlePoll();
        // The service answered: a camera without video is idle, not failing.
        backoff.onSuccess();
        if (reconnecting) {
            metrics.reconnected();
            reconnecting = false;
        }
        if (signalIdle(out)) {
            // Hand the idle signal over before waiting, so event time stops waiting for this camera
            // now.
            idleWaitPending = true;
        } else {
            sleeper.sleep(config.idlePollInterval());
        }
    }

    /** Adds an idle signal unless one was sent since the last frame; true if it added one. */
    private boolean signalIdle(List<CameraRecord<T>> out) {
        if (idleSignalled) {
            return false;
        }
        LOG.info(
                "Camera {} (stream {}) has no recent fragments; marking it idle",
                cameraId(),
                split.stream());
        idleSignalled = true;
        out.add(CameraRecord.idle());
        return true;
    }

    private void followLivePlaylist(List<CameraRecord<T>> out) {
        Duration wait = session.untilNextLivePoll();
        if (!wait.isZero() && !sleeper.sleep(wait)) {
            return;
        }
        List<HlsSegment> segments = session.fetchMediaPlaylist().segments();
        if (segments.isEmpty()) {
            return;
        }
        if (plan.kind() == SessionPlan.Kind.LIVE_EDGE) {
            // Start at the newest fragment, not several behind as HLS players do.
            HlsSegment newest = segments.get(segments.size() - 1);
            enqueueIfNew(newest);
            session.newLiveFragment(startOf(newest), newest.durationMillis());
            plan = SessionPlan.followLive();
            return;
        }
        SessionPlan gap = planner.gapBefore(startOf(segments.get(0)), cursor);
        if (gap != null) {
            LOG.info(
                    "Camera {}: the live window starts after the last fragment read; reading {}"
                            + " from the archive",
                    cameraId(),
                    gap);
            plan = gap;
            session = null;
            return;
        }
        int before = queue.size();
        for (HlsSegment segment : segments) {
            enqueueIfNew(segment);
        }
        if (queue.size() > before) {
            lastNewFragmentNanos = System.nanoTime();
            HlsSegment newest = segments.get(segments.size() - 1);
            session.newLiveFragment(startOf(newest), newest.durationMillis());
        } else if (System.nanoTime() - lastNewFragmentNanos > LIVE_IDLE_AFTER_NANOS
                && !frames.endStream()) {
            // Held frames go out first; the next poll without news signals idle.
            signalIdle(out);
        }
    }

    private void readOnDemandPlaylist() {
        MediaPlaylist playlist = session.fetchMediaPlaylist();
        List<HlsSegment> segments = playlist.segments();
        for (HlsSegment segment : segments) {
            enqueueIfNew(segment);
        }
        boolean truncated = segments.size() >= ON_DEMAND_MAX_RESULTS;
        SessionPlan done = plan;
        if (truncated) {
            // Listed in ingestion order, and a camera's clock may go back: the next page starts at
            // the highest start listed, so that every page moves on.
            long highest = Long.MIN_VALUE;
            for (HlsSegment segment : segments) {
                highest = Math.max(highest, startOf(segment));
            }
            plan = SessionPlan.catchUp(highest, done.toMillis(), done.settledUntilMillis());
        } else {
            // Known to be covered only once the listed fragments are read; a failure before then
            // re-plans.
            // Only up to the settled end: a fragment in progress at the listing was left out.
            queue.coversUntilWhenDrained(done.settledUntilMillis());
            plan = planner.afterCatchUp(done, clock.millis());
        }
        // The queued fragments are read with this session's token; the next range needs a new
        // session.
        session = null;
    }

    private void enqueueIfNew(HlsSegment segment) {
        long start = startOf(segment);
        if (resume.resumedFragmentPending()) {
            primers.listed(segment, start, resume.fragmentStartMillis());
        }
        if (cursor.isNew(segment.fragmentNumber(), start)) {
            queue.add(segment);
        }
    }

    private long startOf(HlsSegment segment) {
        long pdt = segment.programDateTimeMillis();
        if (pdt < 0) {
            throw new HlsStreamException(
                    "Camera "
                            + cameraId()
                            + " (stream "
                            + split.stream()
                            + "): playlist has no PROGRAM-DATE-TIME for fragment "
                            + segment.fragmentNumber());
        }
        return pdt;
    }

    // ---- fragments and frames ----------------------------------------------------------------

    private void startNextFragment() {
        HlsSegment next = queue.peek();
        // First: an init segment over its bound fails the read as usual, not just a look-back.
        byte[] init = initSegmentOf(next);
        if (primeBefore(next)) {
            return;
        }
        byte[] bytes;
        try {
            bytes = prefetcher.take(next);
        } catch (HlsBodyTooLargeException e) {
            // Every attempt would refuse it again: skipped like a corrupt fragment, not retried.
            takeFromQueue(next);
            resume.passed(next.fragmentNumber());
            metrics.readError();
            frames.skipUnread(next.fragmentNumber(), e.getMessage());
            return;
        }
        takeFromQueue(next);
        metrics.fragmentRead(bytes.length);
        frames.open(
                next.fragmentNumber(),
                startOf(next),
                init,
                bytes,
                followsLastOpened(next),
                resume.emittedThroughMillisIn(next.fragmentNumber()));
        endIfPastStop();
    }

    /** Moves past {@code next}: the following fragment starts downloading, the cursor moves on. */
    private void takeFromQueue(HlsSegment next) {
        queue.take();
        HlsSegment following = queue.peek();
        if (following != null) {
            prefetcher.start(following);
        }
        cursor.taken(next.fragmentNumber(), startOf(next), next.durationMillis(), clock.millis());
    }

    /**
     * Restored into a fragment whose frames reference fragments before it (open-GOP leading frames,
     * a stream cut mid-GOP): decodes those first, emitting nothing, so the stream goes on as it was
     * read before the failure. True if it opened one.
     */
    private boolean primeBefore(HlsSegment next) {
        if (primers.isEmpty()) {
            return false;
        }
        RestorePrimers.Primer primer;
        try {
            primer =
                    resume.resumedFragmentPending()
                            ? primers.next(
                                    next,
                                    this::startOf,
                                    CONTINUITY_TOLERANCE_MILLIS,
                                    prefetcher::take,
                                    (segment, bytes) ->
                                            KeyFrameProbe.startsWithKeyFrame(
                                                    DecoderSettingsFactory.inputFormat(config),
                                                    initSegmentOf(segment),
                                                    bytes))
                            : null;
        } catch (HlsBodyTooLargeException e) {
            // Refused on every attempt: the resumed fragment is read without the ones before it.
            metrics.readError();
            LOG.warn(
                    "Camera {}: not reading the fragments before fragment {} again, which frames"
                            + " there may reference: {}",
                    cameraId(),
                    next.fragmentNumber(),
                    e.getMessage());
            primer = null;
        }
        if (primer == null) {
            primers.clear();
            return false;
        }
        HlsSegment segment = primer.segment();
        LOG.info(
                "Camera {}: reading fragment {} again, without emitting it, to decode fragment {}"
                        + " where the checkpoint left off",
                cameraId(),
                segment.fragmentNumber(),
                next.fragmentNumber());
        frames.open(
                segment.fragmentNumber(),
                startOf(segment),
                initSegmentOf(segment),
                primer.bytes(),
                followsLastOpened(segment),
                Long.MAX_VALUE);
        if (primers.isEmpty()) {
            prefetcher.start(next);
        }
        return true;
    }

    @Nullable
    private byte[] initSegmentOf(HlsSegment segment) {
        return segment.initSegmentUri() == null
                ? null
                : queue.listingSession().initSegment(segment.initSegmentUri());
    }

    /** Whether {@code next} starts where the fragment opened before it ended. */
    private boolean followsLastOpened(HlsSegment next) {
        long start = startOf(next);
        boolean follows =
                lastOpenedEndMillis != Long.MIN_VALUE
                        && Math.abs(start - lastOpenedEndMillis) <= CONTINUITY_TOLERANCE_MILLIS;
        lastOpenedEndMillis = start + next.durationMillis();
        return follows;
    }

    private void decodeInto(List<CameraRecord<T>> out) {
        int before = out.size();
        frames.decodeInto(out);
        if (out.size() > before) {
            idleSignalled = false;
        }
        endIfPastStop();
    }

    private void endIfPastStop() {
        if (!frames.hasFragment() && frames.isPastStop() && !finished) {
            LOG.info(
                    "Camera {} reached its stopping timestamp {}",
                    cameraId(),
                    split.stoppingTimestampMillis());
            finished = true;
        }
    }

    // ---- failures ----------------------------------------------------------------------------

    private void onFailure(FrameSourceException e) {
        if (e instanceof FragmentFrames.FrameMapperException) {
            throw e;
        }
        if (Thread.currentThread().isInterrupted() || causedByInterrupt(e)) {
            // The task is being cancelled: not an error, and nothing to retry.
            dropSession();
            return;
        }
        if (e instanceof KvsConnectionException
                && ((KvsConnectionException) e).reason()
                        == KvsConnectionException.Reason.STREAM_NOT_FOUND
                && discovered) {
            // Discovered streams come and go: a deleted one ends its camera, not the job.
            LOG.info(
                    "Camera {}: stream {} no longer exists; finishing the camera",
                    cameraId(),
                    split.stream());
            streamGone = true;
            finished = true;
            return;
        }
        metrics.readError();
        dropSession();
        if (!e.isRetryable()) {
            metrics.state(ConnectionState.ERROR);
            String message =
                    "Camera " + cameraId() + " (stream " + split.stream() + "): " + e.getMessage();
            throw e instanceof KvsConnectionException
                    ? new KvsConnectionException(((KvsConnectionException) e).reason(), message, e)
                    : new FrameSourceException(message, e);
        }
        Duration delay =
                countFailure(
                        () ->
                                ") failed "
                                        + backoff.consecutiveFailures()
                                        + " times in a row (max-consecutive-errors "
                                        + backoff.maxConsecutiveErrors()
                                        + "); last error: "
                                        + e.getMessage()
                                        + ". Check that the stream exists, has a producer, and that"
                                        + " the credentials may read it.",
                        e);
        reconnecting = true;
        metrics.state(ConnectionState.RECONNECTING);
        LOG.warn(
                "Camera {} (stream {}): {}; reconnecting in {} ms (failure {} of {})",
                cameraId(),
                split.stream(),
                e.getMessage(),
                delay.toMillis(),
                backoff.consecutiveFailures(),
                backoff.maxConsecutiveErrors());
    }

    /**
     * A fragment could not be decoded, or was refused unread: skipped, and counted against the
     * error limit like a failed fetch.
     */
    private void onSkippedFragment() {
        Duration delay =
                countFailure(
                        () ->
                                "): "
                                        + backoff.consecutiveFailures()
                                        + " fragments in a row could not be read"
                                        + " (max-consecutive-errors "
                                        + backoff.maxConsecutiveErrors()
                                        + "); last: "
                                        + frames.lastSkipReason(),
                        null);
        LOG.warn(
                "Camera {} (stream {}): fragment skipped; going on in {} ms (failure {} of {})",
                cameraId(),
                split.stream(),
                delay.toMillis(),
                backoff.consecutiveFailures(),
                backoff.maxConsecutiveErrors());
    }

    /**
     * Counts a failure against {@code max-consecutive-errors}: sets the backoff before the next
     * attempt and returns its delay, or fails the camera, saying {@code what} after its name.
     */
    private Duration countFailure(Supplier<String> what, @Nullable Throwable cause) {
        Duration delay = backoff.onFailure();
        if (backoff.isExhausted()) {
            metrics.state(ConnectionState.ERROR);
            throw new FrameSourceException(
                    "Camera " + cameraId() + " (stream " + split.stream() + what.get(), cause);
        }
        retryAtNanos = System.nanoTime() + delay.toNanos();
        return delay;
    }

    private static boolean causedByInterrupt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException
                    || t instanceof java.io.InterruptedIOException
                    || t instanceof java.nio.channels.ClosedByInterruptException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Forgets the session and the fragments it listed; the plan resumes after the last fragment
     * read, or, while a restored camera has not reached the fragment it resumes in, starts over
     * from the restore, which looks back for the fragments before it again.
     */
    private void dropSession() {
        session = null;
        queue.clear();
        // Their URLs carry the dropped session's token.
        primers.clear();
        prefetcher.cancel();
        plan = restoreStillAhead() ? null : planner.afterFailure(plan, cursor, clock.millis());
    }

    /**
     * Whether a restored camera has not yet read up to the fragment it resumes in, so a new plan
     * must look back for the fragments before it again. Once a later fragment was read (the resumed
     * one may have left the archive) it reads on like any camera.
     */
    private boolean restoreStillAhead() {
        return resume.resumedFragmentPending()
                && cursor.lastStartMillis() < resume.fragmentStartMillis();
    }

    /**
     * Alignment paused or resumed the camera; a paused camera stops its batch at the next frame.
     */
    void setPaused(boolean paused) {
        frames.setPaused(paused);
    }

    /** Lets another camera decode while this one waits (paused); called on the fetcher thread. */
    void releaseDecodeSlot() {
        frames.releaseDecodeSlot();
    }

    /** Ends the camera at the next fetch (its stream was deleted or no longer matches). */
    void finishSoon() {
        finished = true;
        wakeUp();
    }

    /** Ends a sleep or a wait for a decode slot early; thread-safe. */
    void wakeUp() {
        sleeper.wakeUp();
        frames.wakeUp();
    }

    @Override
    public void close() {
        prefetcher.cancel();
        frames.close();
        metrics.close();
    }
}
