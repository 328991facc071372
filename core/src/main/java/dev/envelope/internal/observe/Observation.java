package dev.envelope.internal.observe;

import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.internal.format.MessageHeader;
import dev.envelope.observe.KeyringCall;
import dev.envelope.observe.KeyringCallObservation;
import dev.envelope.observe.KeyringCallResult;
import dev.envelope.observe.Operation;
import dev.envelope.observe.OperationObservation;
import dev.envelope.observe.OperationResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One observed operation: collects what may be reported (suite, sizes, context keys, encrypted
 * data keys) while it runs, and tells the observer its end exactly once. Current on the thread
 * running the operation between {@link #enter} and {@link #exit}, so keyring calls made on its
 * behalf ({@link KeyringCalls}) and the reading and writing code ({@link #noteHeader}, {@link
 * #noteMaterials}) find it without being handed it. Observer exceptions are swallowed here.
 */
public final class Observation {
  /** The failure reported for a stream closed before its verified end. */
  public static final String CLOSED_BEFORE_END = "ClosedBeforeEnd";

  private static final ThreadLocal<Observation> CURRENT = new ThreadLocal<>();
  /** Whether any observer was ever registered: until then no thread-local is even read. */
  private static volatile boolean active;

  private final OperationObservation handle;
  private final Operation operation;
  private final boolean streaming;
  private final Set<String> recordedContextKeys;
  private final long startNanos = System.nanoTime();
  private final AtomicBoolean ended = new AtomicBoolean();
  // Written by the operation's thread; a stream's close on another thread follows the caller's
  // own hand-off of the stream, and ended (atomic) orders the final read.
  private volatile AlgorithmSuite suite;
  private volatile EncryptionContext context;
  private volatile List<EncryptedDataKey> encryptedDataKeys = List.of();
  private volatile long plaintextBytes = -1;
  private volatile long messageBytes = -1;

  Observation(
      OperationObservation handle, Operation operation, boolean streaming, Set<String> recordedContextKeys) {
    this.handle = handle;
    this.operation = operation;
    this.streaming = streaming;
    this.recordedContextKeys = recordedContextKeys;
  }

  static void activate() {
    active = true;
  }

  /** The operation observed on this thread, or null (always null while no observer exists). */
  public static Observation current() {
    return active ? CURRENT.get() : null;
  }

  /** Makes this the current operation of this thread; returns the one to restore with {@link #exit}. */
  public Observation enter() {
    Observation previous = CURRENT.get();
    CURRENT.set(this);
    return previous;
  }

  /** Restores what {@link #enter} returned. */
  public static void exit(Observation previous) {
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
  }

  /** Notes a parsed header's suite, encrypted data keys and stored context, if observed. */
  public static void noteHeader(MessageHeader header) {
    Observation o = current();
    if (o != null) {
      o.suite = header.suite();
      o.encryptedDataKeys = header.encryptedDataKeys();
      o.context = header.storedContext();
    }
  }

  /** Notes the materials a message is written with, if observed. */
  public static void noteMaterials(EncryptionMaterials materials) {
    Observation o = current();
    if (o != null) {
      o.suite = materials.algorithmSuite();
      o.encryptedDataKeys = materials.encryptedDataKeys();
      o.context = materials.encryptionContext();
    }
  }

  /** Notes the full (authenticated) encryption context, if observed. */
  public static void noteContext(EncryptionContext context) {
    Observation o = current();
    if (o != null) {
      o.context = context;
    }
  }

  /** Notes the context the caller gave, before anything better is known. */
  public void context(EncryptionContext context) {
    if (context != null) {
      this.context = context;
    }
  }

  public void plaintextBytes(long bytes) {
    this.plaintextBytes = bytes;
  }

  public void messageBytes(long bytes) {
    this.messageBytes = bytes;
  }

  /** Tells the observer a keyring call begins; never throws. */
  KeyringCallObservation keyringCallStarted(KeyringCall call) {
    try {
      KeyringCallObservation c = handle.keyringCallStarted(call);
      return c == null ? KeyringCallObservation.NONE : c;
    } catch (RuntimeException e) {
      return KeyringCallObservation.NONE;
    }
  }

  static void keyringCallEnded(KeyringCallObservation call, KeyringCallResult result) {
    try {
      call.ended(result);
    } catch (RuntimeException e) {
      // Observation never changes the outcome.
    }
  }

  /** Ends the operation successfully, unless it already ended. */
  public void succeeded() {
    end(null);
  }

  /** Ends the operation with {@code failure}'s type, unless it already ended. */
  public void failed(Throwable failure) {
    end(typeName(failure.getClass()));
  }

  /** Ends the operation with this failure reason, unless it already ended. */
  public void failed(String reason) {
    end(reason);
  }

  public boolean hasEnded() {
    return ended.get();
  }

  private void end(String failure) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    try {
      handle.ended(result(failure));
    } catch (RuntimeException e) {
      // Observation never changes the outcome.
    }
  }

  private OperationResult result(String failure) {
    OperationResult.Builder b = OperationResult.builder(operation, streaming);
    b.durationNanos(Math.max(0, System.nanoTime() - startNanos));
    if (suite != null) {
      b.suite(suite);
    }
    if (plaintextBytes >= 0) {
      b.plaintextBytes(plaintextBytes);
    }
    if (messageBytes >= 0) {
      b.messageBytes(messageBytes);
    }
    EncryptionContext ctx = context;
    if (ctx != null) {
      Map<String, String> pairs = ctx.asMap();
      b.contextKeys(new ArrayList<>(pairs.keySet()));
      if (!recordedContextKeys.isEmpty()) {
        Map<String, String> values = new TreeMap<>();
        for (String key : recordedContextKeys) {
          String value = pairs.get(key);
          if (value != null) {
            values.put(key, value);
          }
        }
        b.contextValues(values);
      }
    }
    List<EncryptedDataKey> edks = encryptedDataKeys;
    b.encryptedDataKeys(edks.size());
    b.keyProviderIds(providerIds(edks, 0));
    if (failure != null) {
      b.failure(failure);
    }
    return b.build();
  }

  /** Distinct provider ids of {@code edks} from index {@code from} on, in order. */
  static List<String> providerIds(List<EncryptedDataKey> edks, int from) {
    Set<String> ids = new LinkedHashSet<>();
    for (int i = from; i < edks.size(); i++) {
      ids.add(edks.get(i).providerId());
    }
    return List.copyOf(ids);
  }

  /** A class's simple name, or its full name when it has none (anonymous classes). */
  static String typeName(Class<?> type) {
    String name = type.getSimpleName();
    return name.isEmpty() ? type.getName() : name;
  }
}
