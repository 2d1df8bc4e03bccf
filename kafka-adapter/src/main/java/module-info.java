/**
 * AgriScore's Kafka adapter: a consumer-group service that reads scoring requests from a topic,
 * scores them with a {@link pe.agriscore.CreditScorer} and writes scores, errors and dead
 * letters, with at-least-once or exactly-once delivery. Its one package, {@link
 * pe.agriscore.kafka}, is the whole API; Micrometer is optional ({@link
 * pe.agriscore.kafka.KafkaScoringMetrics} needs it).
 *
 * <pre>{@code
 * module com.example.loans {
 *   requires pe.agriscore.kafka;   // reads pe.agriscore and kafka.clients too
 * }
 * }</pre>
 */
// kafka-clients and Micrometer have no module descriptor: their automatic module names are
// kafka.clients (from the jar's file name) and micrometer.core (from its manifest).
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module pe.agriscore.kafka {
  requires transitive pe.agriscore;
  requires transitive kafka.clients;
  requires org.slf4j;
  requires com.fasterxml.jackson.core;
  requires static transitive micrometer.core;

  exports pe.agriscore.kafka;
}
