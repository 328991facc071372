package dev.envelope.observe;

/**
 * What happened in a {@code CachingMaterialsManager}: the kind of event and which side (encrypt
 * or decrypt materials) it concerns. Carries no key, identifier or context. Each combination is a
 * shared constant, so reporting an event allocates nothing.
 */
public enum CacheEvent {
  ENCRYPT_HIT(Kind.HIT, Side.ENCRYPT),
  ENCRYPT_MISS(Kind.MISS, Side.ENCRYPT),
  ENCRYPT_BYPASS(Kind.BYPASS, Side.ENCRYPT),
  ENCRYPT_EVICTION(Kind.EVICTION, Side.ENCRYPT),
  ENCRYPT_INVALIDATION(Kind.INVALIDATION, Side.ENCRYPT),
  DECRYPT_HIT(Kind.HIT, Side.DECRYPT),
  DECRYPT_MISS(Kind.MISS, Side.DECRYPT),
  DECRYPT_BYPASS(Kind.BYPASS, Side.DECRYPT),
  DECRYPT_EVICTION(Kind.EVICTION, Side.DECRYPT),
  DECRYPT_INVALIDATION(Kind.INVALIDATION, Side.DECRYPT);

  /** The kind of cache event. */
  public enum Kind {
    /** A request served from an entry, without calling the underlying manager. */
    HIT("hit"),
    /** A cacheable request that called the underlying manager and stored the result. */
    MISS("miss"),
    /** A request the cache never serves, passed straight through (see the cache's Javadoc). */
    BYPASS("bypass"),
    /** An entry removed for capacity, age, usage limits or replacement. */
    EVICTION("eviction"),
    /** An entry removed because the application invalidated it (for example an incident hook). */
    INVALIDATION("invalidation");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    /** Lower-case name, as used in metric names and attributes. */
    public String id() {
      return id;
    }
  }

  /** Which materials the event concerns. */
  public enum Side {
    ENCRYPT("encrypt"),
    DECRYPT("decrypt");

    private final String id;

    Side(String id) {
      this.id = id;
    }

    /** Lower-case name, as used in attributes. */
    public String id() {
      return id;
    }
  }

  private final Kind kind;
  private final Side side;

  CacheEvent(Kind kind, Side side) {
    this.kind = kind;
    this.side = side;
  }

  public Kind kind() {
    return kind;
  }

  public Side side() {
    return side;
  }

  /** The constant for {@code kind} on {@code side}. */
  public static CacheEvent of(Kind kind, Side side) {
    return values()[(side == Side.ENCRYPT ? 0 : Kind.values().length) + kind.ordinal()];
  }
}
