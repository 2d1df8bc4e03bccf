package pe.agriscore.kafka.testing;

import java.util.HashMap;
import java.util.Map;
import pe.agriscore.CreditScorer;
import pe.agriscore.kafka.DeliveryMode;
import pe.agriscore.kafka.KafkaScoringService;

/** Builds services for the tests: one group and three topics named after a run. */
public final class Services {

  private Services() {}

  /** The properties of a service on {@code run}-in, {@code run}-out and {@code run}-dlq. */
  public static Map<String, Object> properties(String bootstrap, String run, DeliveryMode mode) {
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", run + "-group");
    p.put("agriscore.input.topic", run + "-in");
    p.put("agriscore.output.topic", run + "-out");
    p.put("agriscore.dead.letter.topic", run + "-dlq");
    p.put("agriscore.delivery.mode", mode.configValue());
    p.put("agriscore.poll.timeout.ms", "200");
    return p;
  }

  public static KafkaScoringService start(CreditScorer scorer, Map<String, Object> properties) {
    KafkaScoringService service = KafkaScoringService.builder(scorer).properties(properties)
        .build();
    service.start();
    return service;
  }

  public static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
    Map<String, Object> p = new HashMap<>(base);
    p.put(key, value);
    return p;
  }
}
