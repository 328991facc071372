package dev.envelope.micrometer;

import dev.envelope.micrometer.internal.MeterObserver;
import dev.envelope.observe.EnvelopeObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Envelope's meters for a Micrometer registry: bind it, then register its observer on each {@code
 * Envelope} and {@code CachingMaterialsManager} to be measured.
 *
 * <pre>{@code
 * EnvelopeMetrics metrics = EnvelopeMetrics.create();
 * metrics.bindTo(meterRegistry);               // or let Spring Boot bind the MeterBinder bean
 * CachingMaterialsManager cache = CachingMaterialsManager.builder()
 *     .keyring(kmsKeyring).maxAge(Duration.ofMinutes(5)).messageUseLimit(10_000)
 *     .observer(metrics.observer())
 *     .build();
 * Envelope envelope = Envelope.builder()
 *     .materialsManager(cache)
 *     .observer(metrics.observer())
 *     .build();
 * }</pre>
 *
 * <p>One instance may be bound to several registries; what happens before a registry is bound is
 * not counted in it. The {@linkplain dev.envelope.micrometer package documentation} lists the
 * meters and their tags. Thread-safe.
 */
public final class EnvelopeMetrics implements MeterBinder {
  private final MeterObserver observer = new MeterObserver();

  private EnvelopeMetrics() {}

  /** A binder with no registry yet. */
  public static EnvelopeMetrics create() {
    return new EnvelopeMetrics();
  }

  /** The observer to register on an {@code Envelope} and on a {@code CachingMaterialsManager}. */
  public EnvelopeObserver observer() {
    return observer;
  }

  /** Adds {@code registry} to the registries every meter is reported to. */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    observer.bind(registry);
  }

  @Override
  public String toString() {
    return "EnvelopeMetrics[" + observer.registryCount() + " registries]";
  }
}
