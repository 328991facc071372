package dev.envelope.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

class KmsClientSupplierTest {
  @Test
  void defaultSupplier_buildsClientForRequestedRegionAndReusesIt() {
    KmsClientSupplier supplier = KmsClientSupplier.defaultSupplier();
    KmsClient west = supplier.clientFor("us-west-2");
    KmsClient east = supplier.clientFor("us-east-1");
    try {
      assertEquals(Region.US_WEST_2, west.serviceClientConfiguration().region());
      assertEquals(Region.US_EAST_1, east.serviceClientConfiguration().region());
      assertSame(west, supplier.clientFor("us-west-2"));
      assertNotSame(west, east);
    } finally {
      west.close();
      east.close();
    }
  }

  @Test
  void caching_concurrentFirstUse_buildsOneClientPerRegion() throws Exception {
    AtomicInteger built = new AtomicInteger();
    List<KmsClient> made = new ArrayList<>();
    KmsClientSupplier supplier = KmsClientSupplier.caching(region -> {
      built.incrementAndGet();
      KmsClient c = KmsClient.builder().region(Region.of(region))
          .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
          .build();
      synchronized (made) {
        made.add(c);
      }
      return c;
    });
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentHashMap<KmsClient, Boolean> seen = new ConcurrentHashMap<>();
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        seen.put(supplier.clientFor("eu-west-1"), true);
      });
      t.start();
      workers.add(t);
    }
    start.countDown();
    for (Thread t : workers) {
      t.join();
    }
    try {
      assertEquals(1, built.get());
      assertEquals(1, seen.size());
    } finally {
      made.forEach(KmsClient::close);
    }
  }
}
