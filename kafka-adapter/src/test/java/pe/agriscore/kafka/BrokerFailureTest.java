package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.kafka.testing.ChildBroker;
import pe.agriscore.kafka.testing.Outcome;
import pe.agriscore.kafka.testing.RequestProducer;
import pe.agriscore.kafka.testing.SendHold;
import pe.agriscore.kafka.testing.Services;
import pe.agriscore.kafka.testing.Topics;
import pe.agriscore.testing.TestBundles;

/**
 * The broker goes away in the middle of a run, stopped (SIGTERM: controlled shutdown) or killed
 * (SIGKILL), while requests keep arriving, and comes back on the same storage. It runs in a child
 * JVM, as a broker process does; an exactly-once and an at-least-once service run side by side
 * through the outage.
 */
class BrokerFailureTest {

  private static final int REQUESTS = 20_000;
  private static final int PER_SECOND = 2_500;
  private static final int BAD_EVERY = 100;

  @TempDir Path tmp;

  /** What the test does to the broker once both services are well into their run. */
  private interface Failure {
    void inject() throws Exception;
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aBrokerStoppedAndRestartedMidRunLosesNothingAndDuplicatesNothingUnderExactlyOnce()
      throws Exception {
    try (ChildBroker broker = new ChildBroker(tmp.resolve("broker"))) {
      broker.start();
      runThrough(broker.bootstrapServers(), () -> {
        assertEquals(128 + 15, broker.stop(), "the broker must stop on SIGTERM");
        Thread.sleep(2_000);
        broker.start();
      });
    }
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aBrokerKilledWithSigkillMidRunLosesNothingAndDuplicatesNothingUnderExactlyOnce()
      throws Exception {
    try (ChildBroker broker = new ChildBroker(tmp.resolve("child-broker"))) {
      broker.start();
      runThrough(broker.bootstrapServers(), () -> {
        assertEquals(128 + 9, broker.kill(), "the broker must die of SIGKILL");
        Thread.sleep(2_000);
        broker.start();
      });
    }
  }

  /**
   * The broker stops while a transaction of the service is open (its first record written) and
   * stays away longer than the producer's transaction.timeout.ms: when it comes back, its
   * transaction coordinator aborts the transaction as timed out and bumps the producer's epoch
   * (transactions v2), so the held producer's next request is answered as if it had been fenced.
   * Under load a long broker restart does the same with the default 60 s timeout.
   */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aTransactionTheCoordinatorAbortsAfterABrokerRestartIsScoredAgainAndTheServiceGoesOn()
      throws Exception {
    int requests = 3_000;
    try (ChildBroker broker = new ChildBroker(tmp.resolve("broker"))) {
      broker.start();
      String bootstrap = broker.bootstrapServers();
      try (Admin admin = Topics.admin(bootstrap);
          CreditScorer scorer = CreditScorer.open(TestBundles.writeScorecardBundle(tmp))) {
        Topics.create(admin, 3, "held-in", "held-out", "held-dlq");
        Map<String, Object> p = Services.properties(bootstrap, "held", DeliveryMode.EXACTLY_ONCE);
        p.put("producer.interceptor.classes", SendHold.class.getName());
        p.put("producer.transaction.timeout.ms", "3000");
        try (KafkaScoringService service = Services.start(scorer, p);
            RequestProducer in = new RequestProducer(bootstrap, "held-in", BAD_EVERY)) {
          in.startPaced(0, requests / 2, 1_000);
          awaitScored(service, requests / 10);
          SendHold.Hold hold = null;
          String txn = null;
          // The held record may open a new transaction, not yet known to the coordinator.
          for (int attempt = 0; txn == null; attempt++) {
            hold = SendHold.arm("held-out");
            if (!hold.awaitHeld(60, TimeUnit.SECONDS)) {
              throw new AssertionError("no record was held: " + service.metrics());
            }
            txn = ongoingTransaction(admin);
            if (txn == null) {
              hold.release();
              if (attempt == 10) {
                throw new AssertionError("the coordinator never showed an open transaction");
              }
            }
          }
          try {
            assertEquals(128 + 15, broker.stop(), "the broker must stop on SIGTERM");
            Thread.sleep(4_000);
            broker.start();
            awaitAbortedByCoordinator(admin, txn);
          } finally {
            hold.release();
          }
          in.startPaced(requests / 2, requests, 1_000);
          in.finish();
          awaitCommittedToEnd(admin, service, "held-group", "held-in");
          assertEquals(KafkaScoringService.State.RUNNING, service.state(),
              () -> "" + service.health());
        }
        Outcome outcome = Outcome.read(bootstrap, "held-in", "held-out", "held-dlq");
        assertEquals(requests, outcome.inputs.size());
        outcome.assertExactlyOnce("test-scorecard", "1.0.0");
      }
    }
  }

  /** The transactional id of the service's open transaction, or null if none is open. */
  private static String ongoingTransaction(Admin admin) throws Exception {
    for (var listing : admin.listTransactions().all().get()) {
      if (listing.state() == TransactionState.ONGOING) {
        return listing.transactionalId();
      }
    }
    return null;
  }

  private static void awaitAbortedByCoordinator(Admin admin, String txn) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        TransactionState state = admin.describeTransactions(List.of(txn)).all().get().get(txn)
            .state();
        if (state == TransactionState.COMPLETE_ABORT || state == TransactionState.EMPTY) {
          return;
        }
      } catch (ExecutionException e) {
        // the coordinator may still be loading
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the coordinator did not abort " + txn + " within 60 s");
      }
      Thread.sleep(100);
    }
  }

  private void runThrough(String bootstrap, Failure failure) throws Exception {
    try (Admin admin = Topics.admin(bootstrap);
        CreditScorer scorer = CreditScorer.open(TestBundles.writeScorecardBundle(tmp))) {
      Topics.create(admin, 3, "eos-in", "eos-out", "eos-dlq", "alos-in", "alos-out", "alos-dlq");
      // Closed however the run ends, so a failed run leaves no thread retrying a stopped broker.
      try (KafkaScoringService eos = Services.start(scorer,
              Services.properties(bootstrap, "eos", DeliveryMode.EXACTLY_ONCE));
          KafkaScoringService alos = Services.start(scorer,
              Services.properties(bootstrap, "alos", DeliveryMode.AT_LEAST_ONCE))) {
        try (RequestProducer eosIn = new RequestProducer(bootstrap, "eos-in", BAD_EVERY);
            RequestProducer alosIn = new RequestProducer(bootstrap, "alos-in", BAD_EVERY)) {
          eosIn.startPaced(0, REQUESTS / 2, PER_SECOND);
          alosIn.startPaced(0, REQUESTS / 2, PER_SECOND);
          awaitScored(eos, REQUESTS / 5);
          awaitScored(alos, REQUESTS / 5);
          // The second half goes out from now on, through the failure: the failure comes in the
          // middle of the run however far a loaded machine let the first half get (a check on
          // the scored counts instead failed when the test thread was starved for seconds).
          eosIn.startPaced(REQUESTS / 2, REQUESTS, PER_SECOND);
          alosIn.startPaced(REQUESTS / 2, REQUESTS, PER_SECOND);
          failure.inject();
          eosIn.finish();
          alosIn.finish();
        }
        awaitCommittedToEnd(admin, eos, "eos-group", "eos-in");
        awaitCommittedToEnd(admin, alos, "alos-group", "alos-in");
        assertEquals(KafkaScoringService.State.RUNNING, eos.state(), () -> "" + eos.failure());
        assertEquals(KafkaScoringService.State.RUNNING, alos.state(), () -> "" + alos.failure());
        eos.close();
        alos.close();

        Outcome exactly = Outcome.read(bootstrap, "eos-in", "eos-out", "eos-dlq");
        assertEquals(REQUESTS, exactly.inputs.size());
        exactly.assertExactlyOnce("test-scorecard", "1.0.0");
        Outcome atLeast = Outcome.read(bootstrap, "alos-in", "alos-out", "alos-dlq");
        assertEquals(REQUESTS, atLeast.inputs.size());
        atLeast.assertAtLeastOnce("test-scorecard", "1.0.0");
        System.out.printf("exactly-once: %s%nat-least-once: %s (%d outputs for %d valid"
            + " requests)%n", eos.metrics(), alos.metrics(), atLeast.outputRecords,
            atLeast.validInputs);
      }
    }
  }

  /** Waits for the group to commit its input; a stall says what the service reports. */
  private static void awaitCommittedToEnd(Admin admin, KafkaScoringService service, String group,
      String topic) throws Exception {
    try {
      Topics.awaitCommittedToEnd(admin, group, topic, Duration.ofMinutes(2));
    } catch (AssertionError e) {
      throw new AssertionError("the service reports " + service.health() + ", "
          + service.metrics() + "; " + e.getMessage(), e);
    }
  }

  static void awaitScored(KafkaScoringService service, long count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (service.metrics().recordsScored() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + service.metrics() + " after 60 s");
      }
      Thread.sleep(20);
    }
  }
}
