package pe.agriscore.service;

import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Tomcat settings Spring Boot has no property for: {@code 100 Continue} is sent only when the
 * service starts reading the body, so that a client announcing an oversized body with {@code
 * Expect: 100-continue} gets its 413 before it sends a byte of it.
 */
@Component
final class TomcatLimits implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    factory.addConnectorCustomizers(c -> c.setProperty("continueResponseTiming", "onRead"));
  }
}
