package dev.envelope.localkms.internal;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The endpoint's HTTP/1.1 listener, for the one request shape of the AWS JSON protocol ({@code
 * POST /} with a {@code Content-Length} body), hardened against callers that never authenticate:
 *
 * <ul>
 *   <li>at most {@code maxConnections} open connections; one more is answered 503 and closed;
 *   <li>each connection has its own thread, so idle connections never hold up a signed request;
 *       at most {@code workers} requests run at once;
 *   <li>a request's line and headers (at most 16 KiB) and then its body must each arrive within
 *       {@code readTimeout}, however slowly they trickle; a connection is kept open for another
 *       request only after an authenticated answer, and then for at most 75 s of idleness;
 *   <li>the body is read only after {@link KmsHttpHandler#checkHeaders} accepted the declared
 *       length (at most {@link KmsHttpHandler#MAX_BODY}) and the signature headers; a client that
 *       sent {@code Expect: 100-continue} gets {@code 100 Continue} only then.
 * </ul>
 *
 * <p>Responses go out with {@code TCP_NODELAY}. Chunked request bodies are refused (the SDKs send
 * a length).
 */
public final class KmsHttpServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(KmsHttpServer.class.getName());
  private static final int MAX_HEAD_BYTES = 16 * 1024;
  private static final int MAX_HEADERS = 100;
  /**
   * How long a connection may sit idle after an authenticated answer: longer than the SDK HTTP
   * clients keep an idle connection (60 s), so they never send into a connection closed under them.
   */
  private static final long KEEP_ALIVE_IDLE_MILLIS = 75_000;
  /** How long a refused request's unread body is discarded before the connection closes. */
  private static final long LINGER_MILLIS = 2_000;

  private final ServerSocket listener;
  private final KmsHttpHandler handler;
  private final Semaphore connectionSlots;
  private final Semaphore workers;
  private final long readTimeoutMillis;
  private final ExecutorService threads;
  private final Thread acceptor;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Binds {@code address} and starts accepting.
   *
   * @throws IOException if the address cannot be bound
   */
  public KmsHttpServer(
      InetSocketAddress address,
      KmsHttpHandler handler,
      int maxConnections,
      int workers,
      Duration readTimeout)
      throws IOException {
    this.handler = handler;
    this.connectionSlots = new Semaphore(maxConnections);
    this.workers = new Semaphore(workers);
    this.readTimeoutMillis = Math.max(1, readTimeout.toMillis());
    this.listener = new ServerSocket();
    try {
      listener.bind(address, 128);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    AtomicInteger n = new AtomicInteger();
    // Bounded by connectionSlots, not by the pool: a thread per open connection.
    this.threads =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> daemon(r, "local-kms-" + n.incrementAndGet()));
    this.acceptor = daemon(this::acceptLoop, "local-kms-accept");
    acceptor.start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The bound address (with the port picked, if 0 was asked). */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.log(System.Logger.Level.WARNING, "accept failed: " + e);
        }
        continue;
      }
      if (!connectionSlots.tryAcquire()) {
        refuse(socket);
        continue;
      }
      Connection c = new Connection(socket);
      open.add(c);
      try {
        threads.execute(c);
      } catch (RuntimeException e) { // the pool was shut down
        c.close();
      }
    }
  }

  /** Too many connections: a 503 the SDKs retry, written into the fresh socket's buffer. */
  private static void refuse(Socket socket) {
    try (socket) {
      OutputStream out = socket.getOutputStream();
      KmsException busy =
          new KmsException(
              "ServiceUnavailableException",
              "The local KMS endpoint has too many open connections; retry.",
              503);
      writeResponse(out, busy.httpStatus(), KmsHttpHandler.errorBody(busy), "none", true);
    } catch (IOException ignored) {
      // The client is gone; nothing to tell it.
    }
  }

  /**
   * Stops accepting, closes idle connections, waits up to five seconds for requests in progress,
   * then closes every connection. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // Closing is all that was asked.
    }
    open.forEach(Connection::closeIfIdle);
    threads.shutdown();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    open.forEach(Connection::close);
    threads.shutdownNow();
    try {
      acceptor.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One client connection: requests read and answered in turn (keep-alive). */
  private final class Connection implements Runnable {
    private final Socket socket;
    private volatile boolean busy;

    Connection(Socket socket) {
      this.socket = socket;
    }

    @Override
    public void run() {
      try (socket) {
        socket.setTcpNoDelay(true);
        DeadlineInput in = new DeadlineInput(socket);
        OutputStream out = new BufferedOutputStream(socket.getOutputStream());
        long wait = readTimeoutMillis; // a new connection's first request: no idle allowance
        while (!closed && serveOne(in, out, wait)) {
          wait = KEEP_ALIVE_IDLE_MILLIS + readTimeoutMillis;
        }
      } catch (SocketTimeoutException | EOFException e) {
        // Too slow, or gone mid-request: the connection is closed, with no answer.
      } catch (SocketException e) {
        // Reset by the client or closed by close().
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "connection ended: " + e);
      } finally {
        open.remove(this);
        connectionSlots.release();
      }
    }

    /** Serves one request; false when the connection must close. */
    private boolean serveOne(DeadlineInput in, OutputStream out, long headMillis)
        throws IOException {
      in.deadline(headMillis);
      Head head = Head.read(in);
      if (head == null) {
        return false; // closed between requests, or idle past the timeout
      }
      busy = true;
      try {
        if (head.error() != null) {
          answer(out, head.error(), true);
          lingeringClose(in);
          return false;
        }
        long length = head.contentLength();
        try {
          handler.checkHeaders(head.headers(), length);
        } catch (KmsException e) {
          answer(out, e, true); // the body stays unread: close after the answer
          lingeringClose(in);
          return false;
        }
        if (head.expectsContinue()) {
          out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
        in.deadline(readTimeoutMillis);
        byte[] body = in.readExactly((int) length);
        KmsHttpHandler.Answer answer;
        workers.acquireUninterruptibly();
        try {
          answer = handler.handle(head.method(), head.uri(), head.headers(), body);
        } finally {
          workers.release();
        }
        if (answer == null) {
          socket.setSoLinger(true, 0);
          return false; // an injected dropped connection
        }
        // Only a caller that proved who it is keeps the connection open for its next request.
        boolean close = head.closeAfter() || closed || !answer.authenticated();
        writeResponse(out, answer.status(), answer.body(), answer.requestId(), close);
        return !close;
      } finally {
        busy = false;
      }
    }

    private void answer(OutputStream out, KmsException e, boolean close) throws IOException {
      writeResponse(out, e.httpStatus(), KmsHttpHandler.errorBody(e), "none", close);
    }

    /**
     * Ends a connection whose request body was refused unread: the answer is sent, then what the
     * client still sends is discarded (never buffered) for a moment, so that closing with unread
     * bytes does not reset the connection before the client reads the answer.
     */
    private void lingeringClose(DeadlineInput in) {
      try {
        socket.shutdownOutput();
        in.deadline(Math.min(readTimeoutMillis, LINGER_MILLIS));
        in.discard();
      } catch (IOException e) {
        // Timed out or reset: the answer went out; close now.
      }
    }

    void closeIfIdle() {
      if (!busy) {
        close();
      }
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Already closed.
      }
    }
  }

  private static void writeResponse(
      OutputStream out, int status, byte[] body, String requestId, boolean close)
      throws IOException {
    String head =
        "HTTP/1.1 "
            + status
            + (status == 200 ? " OK" : " Error")
            + "\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-RequestId: "
            + requestId
            + "\r\nContent-Length: "
            + body.length
            + (close ? "\r\nConnection: close" : "")
            + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  /** The request line and headers, or the error to answer instead. */
  private record Head(
      String method,
      URI uri,
      Map<String, List<String>> headers,
      long contentLength,
      boolean expectsContinue,
      boolean closeAfter,
      KmsException error) {

    static Head failed(String message) {
      return new Head(null, null, Map.of(), 0, false, true, KmsException.serialization(message));
    }

    /** Null at a clean end of the connection before a request began. */
    static Head read(DeadlineInput in) throws IOException {
      String requestLine = in.line(MAX_HEAD_BYTES, true);
      if (requestLine == null) {
        return null;
      }
      String[] parts = requestLine.split(" ", -1);
      if (parts.length != 3 || !parts[0].matches("[A-Z]{1,16}") || !parts[2].startsWith("HTTP/1.")) {
        return failed("The request line is not HTTP/1.1.");
      }
      URI uri;
      try {
        uri = URI.create(parts[1]);
      } catch (IllegalArgumentException e) {
        return failed("The request target is not a valid URI.");
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      int used = requestLine.length();
      while (true) {
        String line = in.line(MAX_HEAD_BYTES - used, false);
        if (line == null) {
          throw new EOFException("the connection ended inside the request headers");
        }
        used += line.length() + 2;
        if (line.isEmpty()) {
          break;
        }
        int colon = line.indexOf(':');
        if (colon <= 0 || headers.size() >= MAX_HEADERS || Character.isWhitespace(line.charAt(0))) {
          return failed("A request header is malformed, or there are too many.");
        }
        headers
            .computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), n -> new ArrayList<>())
            .add(line.substring(colon + 1).strip());
      }
      if (headers.containsKey("transfer-encoding")) {
        return failed("Chunked request bodies are not supported; send a Content-Length.");
      }
      long length = 0;
      List<String> lengths = headers.get("content-length");
      if (lengths != null) {
        if (lengths.size() != 1 || !lengths.get(0).matches("[0-9]{1,10}")) {
          return failed("The Content-Length header is not a single number.");
        }
        length = Long.parseLong(lengths.get(0));
      }
      String connection = String.join(",", headers.getOrDefault("connection", List.of()));
      boolean close =
          parts[2].equals("HTTP/1.0")
              ? !connection.toLowerCase(Locale.ROOT).contains("keep-alive")
              : connection.toLowerCase(Locale.ROOT).contains("close");
      boolean expect =
          headers.getOrDefault("expect", List.of()).stream()
              .anyMatch(v -> v.equalsIgnoreCase("100-continue"));
      return new Head(parts[0], uri, headers, length, expect, close, null);
    }
  }

  /** Socket input where every read must finish before a deadline, however slowly bytes arrive. */
  private static final class DeadlineInput {
    private final Socket socket;
    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private long deadlineNanos;

    DeadlineInput(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
    }

    void deadline(long millis) {
      deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Fills the buffer; false at end of stream. */
    private boolean fill() throws IOException {
      long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
      if (remaining <= 0) {
        throw new SocketTimeoutException("read timed out");
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remaining));
      int n = in.read(buffer);
      if (n < 0) {
        return false;
      }
      position = 0;
      limit = n;
      return true;
    }

    /**
     * A line without its CRLF (a bare LF is accepted), at most {@code max} bytes; null at end of
     * stream before its first byte. {@code first}: idle time before it ends the connection quietly.
     */
    String line(int max, boolean first) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      while (true) {
        if (position == limit) {
          boolean more;
          try {
            more = fill();
          } catch (SocketTimeoutException e) {
            if (first && line.size() == 0) {
              return null; // idle keep-alive connection: close it
            }
            throw e;
          }
          if (!more) {
            if (line.size() == 0) {
              return null;
            }
            throw new EOFException("the connection ended inside a line");
          }
        }
        byte b = buffer[position++];
        if (b == '\n') {
          byte[] bytes = line.toByteArray();
          int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
          return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
        if (line.size() >= max) {
          throw new EOFException("the request head is larger than " + MAX_HEAD_BYTES + " bytes");
        }
        line.write(b);
      }
    }

    /** Reads and drops everything until the end of the stream or the deadline. */
    void discard() throws IOException {
      while (fill()) {
        position = limit;
      }
    }

    byte[] readExactly(int length) throws IOException {
      byte[] out = new byte[length];
      int done = 0;
      while (done < length) {
        if (position == limit && !fill()) {
          throw new EOFException("the connection ended inside the request body");
        }
        int n = Math.min(length - done, limit - position);
        System.arraycopy(buffer, position, out, done, n);
        position += n;
        done += n;
      }
      return out;
    }
  }
}
