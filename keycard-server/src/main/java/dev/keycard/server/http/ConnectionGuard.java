package dev.keycard.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.impl.VertxHttpObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection's guard, below Vert.x: the header-read deadline (slowloris) and the Host rule.
 *
 * <p>A request's head (request line and headers) must be complete within the header timeout of its
 * first byte; a connection's first request is timed from the connection's opening. Past the deadline
 * the client gets 408 with a JSON body and the connection is closed; a connection that never sent a
 * byte is just closed (a browser's unused preconnection must not read an answer it never asked for).
 * The wait between two requests of a kept-alive connection is not a slow head: the listener's idle
 * timeout ends it.
 *
 * <p>Two small Netty handlers share this state: {@link Bytes} before the HTTP decoder sees raw bytes
 * arrive; {@link Messages} after it sees each request head and body end come out of the decoder, and
 * each response end go into the encoder. Per request that costs one {@code System.nanoTime()} and a
 * few field writes on the connection's event loop; the timer is scheduled at most once per timeout per
 * connection and, like Netty's {@code IdleStateHandler}, re-checks lazily instead of being moved for
 * every request.
 *
 * <p>An HTTP/1.1 request without exactly one {@code Host} header (RFC 9112 §3.2), and a request of any
 * version but 1.1 and 1.0, are marked invalid here, before Vert.x sees them, so that both listeners
 * answer them with a JSON 400 through their invalid-request handler ({@link ListenerGuard}). A body the
 * decoder cannot read is answered here too (see {@link #malformedBody}).
 */
final class ConnectionGuard {
  /** Why a request was marked invalid here: exactly one Host header is required (RFC 9112 §3.2). */
  static final Exception HOST_REQUIRED = new Refusal("HTTP/1.1 request without exactly one Host header");
  /** Why a request was marked invalid here: only HTTP/1.1 and HTTP/1.0 are served. */
  static final Exception VERSION_UNSUPPORTED = new Refusal("HTTP version other than 1.1 and 1.0");

  private static final long NONE = Long.MIN_VALUE;
  private static final byte[] REQUEST_TIMEOUT = rawAnswer(408, "Request Timeout",
      "{\"error\":\"request_timeout\",\"error_description\":\"The request headers did not arrive in time\"}");
  private static final byte[] MALFORMED_BODY = rawAnswer(400, "Bad Request",
      "{\"error\":\"invalid_request\",\"error_description\":\"The request body is malformed\"}");

  private final long timeoutNanos;
  private ChannelHandlerContext bytes;
  /** When the pending request head began (its first byte; the connection's opening for the first), or NONE. */
  private long headStart;
  /** Whether any byte of the pending head has arrived. */
  private boolean headBytes;
  /** Whether the next bytes begin a request head rather than continue a body. */
  private boolean awaitingHead = true;
  /** Requests whose head has arrived and whose answer has not been written to its end. */
  private int answering;
  /** Whether the head of the answer being written has gone out. */
  private boolean answerStarted;
  private ScheduledFuture<?> timer;

  ConnectionGuard(long headerTimeoutNanos) {
    this.timeoutNanos = headerTimeoutNanos;
  }

  /** Adds the two handlers around Vert.x's HTTP/1.x codec and starts timing the first request. */
  void install(ChannelPipeline pipeline) {
    pipeline.addBefore(ListenerGuard.HTTP1_DECODER, "keycardHeadBytes", new Bytes());
    pipeline.addAfter("httpEncoder", "keycardHeadMessages", new Messages());
  }

  /** Raw bytes from the client, before the decoder: the first byte of a head starts its clock. */
  private final class Bytes extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      bytes = ctx;
      headStart = System.nanoTime();
      schedule(timeoutNanos);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (awaitingHead) {
        if (headStart == NONE) {
          headStart = System.nanoTime();
          if (timer == null) {
            schedule(timeoutNanos);
          }
        }
        headBytes = true;
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      cancel();
      ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      cancel();
    }
  }

  /** Decoded requests in, encoded answers out: a complete head stops the clock, an answer's end counts. */
  private final class Messages extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest request) {
        awaitingHead = false;
        headStart = NONE;
        headBytes = false;
        answering++;
        if (request.decoderResult().isSuccess()) {
          Exception refusal = refusal(request);
          if (refusal != null) {
            request.setDecoderResult(DecoderResult.failure(refusal));
          }
        }
      } else if (msg instanceof HttpContent content && !content.decoderResult().isSuccess()) {
        malformedBody(ctx, content);
        return;
      }
      if (msg instanceof LastHttpContent) {
        awaitingHead = true;
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
        answerStarted = true;
      }
      // Vert.x marks the write that ends an answer (a 100 Continue does not); anything else ends with
      // the last content.
      boolean ends = msg instanceof VertxHttpObject o ? o.isEnded() : msg instanceof LastHttpContent;
      if (ends && answering > 0) {
        answering--;
        answerStarted = false;
      }
      ctx.write(msg, promise);
    }
  }

  /**
   * A body the decoder cannot read (a bad chunk size): Vert.x would close the connection at once,
   * unanswered, losing even an answer written but not yet flushed. Answer 400 if no answer has
   * started, send what was written, then close: nothing after it can be trusted to be a request.
   */
  private void malformedBody(ChannelHandlerContext ctx, HttpContent content) {
    ReferenceCountUtil.release(content);
    awaitingHead = false;
    if (answering > 0 && !answerStarted) {
      bytes.writeAndFlush(Unpooled.wrappedBuffer(MALFORMED_BODY)).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Why a well-formed head must be refused all the same, or {@code null}. */
  private static Exception refusal(HttpRequest request) {
    HttpVersion version = request.protocolVersion();
    if (HttpVersion.HTTP_1_1.equals(version)) {
      // RFC 9112 §3.2: a 400 for a missing Host and for more than one.
      List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
      return hosts.size() == 1 ? null : HOST_REQUIRED;
    }
    return HttpVersion.HTTP_1_0.equals(version) ? null : VERSION_UNSUPPORTED;
  }

  private void schedule(long nanos) {
    timer = bytes.executor().schedule(this::check, nanos, TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** The timer: past the deadline, answer 408 and close; otherwise come back when it is due. */
  private void check() {
    timer = null;
    if (headStart == NONE || !bytes.channel().isActive()) {
      return; // no head pending: the next first byte schedules again
    }
    long left = headStart + timeoutNanos - System.nanoTime();
    if (left > 0) {
      schedule(left);
    } else if (answering > 0) {
      // A pipelined head stalls while an earlier answer is still being written: never interleave a
      // 408 with it; look again once that answer had time to finish.
      schedule(timeoutNanos);
    } else if (headBytes) {
      // Written below the encoder (straight to the socket): no request object exists for this head.
      bytes.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
    } else {
      bytes.close();
    }
  }

  /** A complete HTTP/1.1 answer that closes the connection, for writing below the encoder. */
  static byte[] rawAnswer(int status, String reason, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] head = ("HTTP/1.1 " + status + " " + reason + "\r\ncontent-type: application/json\r\n"
        + "cache-control: no-store\r\nx-content-type-options: nosniff\r\nconnection: close\r\n"
        + "content-length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] answer = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, answer, head.length, body.length);
    return answer;
  }

  /** Carries no stack trace: it is a verdict on the client's request, never logged as a failure. */
  private static final class Refusal extends Exception {
    Refusal(String message) {
      super(message, null, false, false);
    }
  }
}
