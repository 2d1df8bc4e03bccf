package pe.agriscore.internal;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A request's feature values held in a schema's feature order: the schema's features in an array
 * indexed like the schema, the names it lacks (unknown fields) after them, in the order sent. It
 * is the {@code Map} a {@link pe.agriscore.scoring.ScoringRequest} read by a schema-aware JSON
 * reader returns from {@code values()}, so the request API is unchanged, and the encoder of the
 * same schema reads it by index instead of looking up thirty names per request.
 *
 * <p>Immutable once built; iterates in the order the values were sent, like the {@code
 * LinkedHashMap} of a request built by name, and is {@code equals} to one with the same entries.
 *
 * <pre>{@code
 * OrderedValues.Order order = OrderedValues.Order.of(List.of("farm_size_ha", "main_crop"));
 * OrderedValues.Builder b = order.builder();
 * b.add("main_crop", "potato");       // false if the name was already added
 * Map<String, Object> values = b.build();
 * }</pre>
 */
public final class OrderedValues extends AbstractMap<String, Object> {

  /** The slot of a schema feature the request did not send (a sent JSON null is {@code null}). */
  public static final Object ABSENT = new Object() {
    @Override
    public String toString() {
      return "ABSENT";
    }
  };

  /**
   * The slot of a schema feature whose value is a number, kept unboxed in {@link #number}: the
   * encoder then reads a primitive array rather than chasing a {@code Double} per value, which
   * in a batch of a thousand requests is a cache miss per value.
   */
  public static final Object NUMBER = new Object() {
    @Override
    public String toString() {
      return "NUMBER";
    }
  };

  private final Order order;
  private final Object[] slots;
  private final double[] numbers;
  private final String[] extraNames;
  private final Object[] extraValues;
  private final int extras;
  /** The extra names' indexes once there are many of them, else null. */
  private final Map<String, Integer> extraIndex;
  /** Slot per arrival: {@code i < order.size()} a schema feature, else extra {@code i - size}. */
  private final int[] arrival;
  private final int size;

  private OrderedValues(Builder b) {
    this.order = b.order;
    this.slots = b.slots;
    this.numbers = b.numbers;
    this.extraNames = b.extraNames;
    this.extraValues = b.extraValues;
    this.extras = b.extras;
    this.extraIndex = b.extraIndex;
    this.arrival = b.arrival;
    this.size = b.size;
  }

  /** The feature order the slots follow. */
  public Order order() {
    return order;
  }

  /**
   * The value of schema feature {@code index}: {@link #ABSENT} if not sent, {@link #NUMBER} for
   * a number (see {@link #number}).
   */
  public Object slot(int index) {
    return slots[index];
  }

  /** The number of schema feature {@code index}, whose slot is {@link #NUMBER}. */
  public double number(int index) {
    return numbers[index];
  }

  /** Slot {@code i}'s value as the map holds it: a number boxed. */
  private Object value(int i) {
    Object v = slots[i];
    return v == NUMBER ? (Object) numbers[i] : v;
  }

  /** How many names the schema lacks. */
  public int extraCount() {
    return extras;
  }

  /** The {@code i}-th name the schema lacks, in the order sent. */
  public String extraName(int i) {
    return extraNames[i];
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) != Integer.MIN_VALUE;
  }

  @Override
  public Object get(Object key) {
    int i = indexOf(key);
    return i == Integer.MIN_VALUE ? null : i >= 0 ? value(i) : extraValues[-1 - i];
  }

  /** A slot index, {@code -1 - extra} for an extra name, MIN_VALUE when not sent. */
  private int indexOf(Object key) {
    Integer i = order.index.get(key);
    if (i != null) {
      return slots[i] == ABSENT ? Integer.MIN_VALUE : i;
    }
    int e = extraOf(extraNames, extras, extraIndex, key);
    return e < 0 ? Integer.MIN_VALUE : -1 - e;
  }

  /** The index of extra name {@code key}, or -1: by scan while there are few, else by map. */
  private static int extraOf(String[] names, int count, Map<String, Integer> index, Object key) {
    if (index != null) {
      Integer e = index.get(key);
      return e == null ? -1 : e;
    }
    for (int e = 0; e < count; e++) {
      if (names[e].equals(key)) {
        return e;
      }
    }
    return -1;
  }

  /** Extra names scanned one by one up to this many; a map beyond (maxFields may be large). */
  private static final int SCANNED_EXTRAS = 8;

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Entry<String, Object> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            int s = arrival[next++];
            int n = order.names.length;
            return s < n ? new SimpleImmutableEntry<>(order.names[s], value(s))
                : new SimpleImmutableEntry<>(extraNames[s - n], extraValues[s - n]);
          }
        };
      }
    };
  }

  /**
   * A schema's feature names in order, with the index of each: built once per schema, shared by
   * the reader that fills requests and the encoder that reads them. Immutable.
   */
  public static final class Order {
    private final String[] names;
    /** The names JSON-encoded, for a parser to match the expected next name by its bytes. */
    private final SerializedString[] encoded;
    private final Map<String, Integer> index;

    private Order(String[] names) {
      this.names = names;
      this.encoded = new SerializedString[names.length];
      for (int i = 0; i < names.length; i++) {
        encoded[i] = new SerializedString(names[i]);
      }
      this.index = new HashMap<>(names.length * 2);
      for (int i = 0; i < names.length; i++) {
        if (index.put(names[i], i) != null) {
          throw new IllegalArgumentException("feature '" + names[i] + "' is named twice");
        }
      }
    }

    /** The order of {@code names}, which must be distinct. */
    public static Order of(List<String> names) {
      return new Order(names.toArray(new String[0]));
    }

    /** The number of features. */
    public int size() {
      return names.length;
    }

    /** Whether {@code other} orders the same names the same way. */
    public boolean sameAs(Order other) {
      return other == this || (other != null && Arrays.equals(names, other.names));
    }

    /**
     * The index of {@code name}, or -1; {@code guess} (the index after the previous feature's) is
     * tried first, since senders usually write features in the schema's order.
     */
    public int indexOf(String name, int guess) {
      if (guess < names.length && names[guess].equals(name)) {
        return guess;
      }
      Integer i = index.get(name);
      return i == null ? -1 : i;
    }

    /** Feature {@code i}'s name, JSON-encoded. */
    public SerializableString encodedName(int i) {
      return encoded[i];
    }

    /** A builder of values in this order. */
    public Builder builder() {
      return new Builder(this);
    }
  }

  /** Fills {@link OrderedValues}; not thread-safe, one per request. */
  public static final class Builder {
    private final Order order;
    private final Object[] slots;
    private final double[] numbers;
    private String[] extraNames;
    private Object[] extraValues;
    private int extras;
    private Map<String, Integer> extraIndex;
    private int[] arrival;
    private int size;
    private int guess;

    private Builder(Order order) {
      this.order = order;
      this.slots = new Object[order.names.length];
      Arrays.fill(slots, ABSENT);
      this.numbers = new double[order.names.length];
      this.arrival = new int[order.names.length];
    }

    /**
     * Adds a number; returns {@code false}, changing nothing, if {@code name} was already added.
     */
    public boolean addNumber(String name, double value) {
      int i = order.indexOf(name, guess);
      if (i < 0) {
        return add(name, (Object) value);
      }
      if (slots[i] != ABSENT) {
        return false;
      }
      slots[i] = NUMBER;
      numbers[i] = value;
      guess = i + 1;
      arrive(i);
      return true;
    }

    /**
     * Adds a value; returns {@code false}, changing nothing, if {@code name} was already added.
     */
    public boolean add(String name, Object value) {
      int i = order.indexOf(name, guess);
      if (i >= 0) {
        if (slots[i] != ABSENT) {
          return false;
        }
        if (value instanceof Double d) {
          slots[i] = NUMBER;
          numbers[i] = d;
        } else {
          slots[i] = value;
        }
        guess = i + 1;
      } else {
        if (extraOf(extraNames, extras, extraIndex, name) >= 0) {
          return false;
        }
        if (extraNames == null) {
          extraNames = new String[4];
          extraValues = new Object[4];
        } else if (extras == extraNames.length) {
          extraNames = Arrays.copyOf(extraNames, extras * 2);
          extraValues = Arrays.copyOf(extraValues, extras * 2);
        }
        extraNames[extras] = name;
        extraValues[extras] = value;
        if (extraIndex != null) {
          extraIndex.put(name, extras);
        } else if (extras + 1 > SCANNED_EXTRAS) {
          extraIndex = new HashMap<>();
          for (int e = 0; e <= extras; e++) {
            extraIndex.put(extraNames[e], e);
          }
        }
        i = order.names.length + extras++;
      }
      arrive(i);
      return true;
    }

    private void arrive(int slot) {
      if (size == arrival.length) {
        arrival = Arrays.copyOf(arrival, Math.max(4, size * 2));
      }
      arrival[size++] = slot;
    }

    /** The order the values are filled in. */
    public Order order() {
      return order;
    }

    /**
     * The index of the feature expected next (the one after the last schema feature added), or
     * {@code -1} after the last one.
     */
    public int expected() {
      return guess < order.names.length ? guess : -1;
    }

    /** The values; the builder must not be used afterwards. */
    public OrderedValues build() {
      return new OrderedValues(this);
    }
  }
}
