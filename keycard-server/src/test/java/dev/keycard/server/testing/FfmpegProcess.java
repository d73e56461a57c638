package dev.keycard.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real ffmpeg run in the background, its output in a log file: an encoder publishing a live stream
 * into keycard's origin, or a player reading one through the edge. Stopped by its own PID, never by
 * name.
 */
public final class FfmpegProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private FfmpegProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Runs {@code ffmpeg} with {@code arguments} (after {@code -hide_banner -nostdin}). */
  public static FfmpegProcess start(Path log, List<String> arguments) {
    String ffmpeg = SystemTools.require("ffmpeg");
    List<String> command = new java.util.ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin"));
    command.addAll(arguments);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      return new FfmpegProcess(process, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An encoder publishing a small live test picture (and tone) as HLS with {@code -method PUT}, the way
   * docs/streaming.md says to: {@code -http_persistent 1}, so that a refused upload stops it.
   *
   * @param playlistUrl where the encoder PUTs its playlist; segments go next to it
   * @param extra       more ffmpeg options placed before the output URL (e.g. {@code -var_stream_map})
   */
  public static FfmpegProcess publish(Path log, String playlistUrl, List<String> extra) {
    List<String> args = new java.util.ArrayList<>(List.of("-loglevel", "warning", "-re",
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15", "-f", "lavfi", "-i", "sine=frequency=440",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-c:a", "aac", "-b:a", "64k",
        "-f", "hls", "-hls_time", "2", "-hls_list_size", "6", "-hls_flags", "delete_segments",
        "-method", "PUT", "-http_persistent", "1"));
    args.addAll(extra);
    args.add(playlistUrl);
    return start(log, args);
  }

  /**
   * An encoder publishing two renditions (320x180 and 160x90) and a multivariant playlist
   * {@code index.m3u8} naming them ({@code v0.m3u8}, {@code v1.m3u8}).
   *
   * @param directoryUrl where the files go, without a trailing slash
   */
  public static FfmpegProcess publishRenditions(Path log, String directoryUrl) {
    return start(log, List.of("-loglevel", "warning", "-re",
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15",
        "-filter_complex", "[0:v]split=2[hi][lo0];[lo0]scale=160:90[lo]", "-map", "[hi]", "-map", "[lo]",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-b:v:0", "300k", "-b:v:1", "100k",
        "-f", "hls", "-hls_time", "2", "-hls_list_size", "6", "-hls_flags", "delete_segments",
        "-var_stream_map", "v:0 v:1", "-master_pl_name", "index.m3u8",
        "-hls_segment_filename", directoryUrl + "/v%v_%d.ts",
        "-method", "PUT", "-http_persistent", "1", directoryUrl + "/v%v.m3u8"));
  }

  /** A player reading {@code url} for as long as it can, copying what it gets into {@code out}. */
  public static FfmpegProcess play(Path log, String url, Path out) {
    return start(log, List.of("-loglevel", "warning", "-i", url, "-map", "0", "-c", "copy", "-f", "mpegts", "-y",
        out.toString()));
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits up to {@code seconds} for the process to end; its exit code, or {@code null} if it still runs. */
  public Integer awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Asks ffmpeg to finish (SIGTERM), then kills it if it has not within 10 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
