package pe.agriscore.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The reference HTTP scoring service: the same {@link pe.agriscore.CreditScorer} a bank
 * embeds, served under {@code /v1} with TLS, roles, ECS JSON logs and Prometheus metrics.
 *
 * <p>Start it on the reference models, plain HTTP on 127.0.0.1 (the demo profile):
 *
 * <pre>{@code
 * ./mvnw -B -q -pl samples/scoring-service -am -DskipTests package exec:java \
 *     -Dspring.profiles.active=demo
 * }</pre>
 *
 * <p>Without a profile it runs the shipped configuration ({@code tls}): HTTPS only, keystore
 * from {@code AGRISCORE_TLS_KEYSTORE}. The module's README.md lists every setting.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ScoringServiceApplication {

  /** Starts the service; arguments are Spring Boot's ({@code --server.port=8443}, ...). */
  public static void main(String[] args) {
    SpringApplication.run(ScoringServiceApplication.class, args);
  }
}
