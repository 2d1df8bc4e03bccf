package pe.agriscore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.ObjectReader;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared strict configuration cannot be reached, so nobody can loosen it for everyone. */
class JsonTest {

  /**
   * Before issue #13 {@code Json.compact()} returned the shared wire-format ObjectMapper, whose
   * {@code configure(...)} would have switched off strictness in every reader of the JVM.
   */
  @Test
  void noMemberHandsOutAMutableMapperOrFactory() {
    List<String> leaks = Arrays.stream(Json.class.getDeclaredMethods())
        .filter(m -> !Modifier.isPrivate(m.getModifiers()))
        .filter(m -> isMutableJackson(m.getReturnType()))
        .map(Method::toString).toList();
    assertEquals(List.of(), leaks);
    List<String> fields = Arrays.stream(Json.class.getDeclaredFields())
        .filter(f -> !Modifier.isPrivate(f.getModifiers()))
        .filter(f -> isMutableJackson(f.getType()))
        .map(Field::toString).toList();
    assertEquals(List.of(), fields);
  }

  /** A mapper (an ObjectCodec) or a factory; readers and writers are immutable. */
  private static boolean isMutableJackson(Class<?> type) {
    return (ObjectCodec.class.isAssignableFrom(type) && !ObjectReader.class.equals(type))
        || JsonFactory.class.isAssignableFrom(type);
  }

  @Test
  void theWireTreeReaderRefusesDuplicateKeys() {
    byte[] twice = "{\"a\": 1, \"a\": 2}".getBytes(StandardCharsets.UTF_8);
    StreamReadException e = assertThrows(StreamReadException.class,
        () -> Json.readWireTree(twice));
    assertTrue(e.getOriginalMessage().contains("Duplicate field 'a'"), e.getOriginalMessage());
  }
}
