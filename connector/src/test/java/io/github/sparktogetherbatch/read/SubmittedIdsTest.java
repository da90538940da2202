package io.github.sparktogetherbatch.read;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SubmittedIds behaves as the insertion-ordered map it replaced. */
class SubmittedIdsTest {
  @Test
  void behavesLikeALinkedHashMapOfIdToHasRow() {
    Random rnd = new Random(13);
    String[] odd = {
      "", "\u00e9", "\ud83d\ude00", "\ud800", "a\u0000b", "Aa", "BB"
    }; // Aa/BB collide
    for (int round = 0; round < 20; round++) {
      Map<String, Boolean> expected = new LinkedHashMap<>();
      SubmittedIds ids = new SubmittedIds();
      int n = round == 0 ? 200_000 : rnd.nextInt(3000);
      for (int i = 0; i < n; i++) {
        String id =
            rnd.nextInt(50) == 0
                ? odd[rnd.nextInt(odd.length)]
                : Integer.toString(rnd.nextInt(Math.max(1, n)));
        expected.putIfAbsent(id, Boolean.FALSE);
        ids.add(id);
      }
      assertEquals(expected.size(), ids.size());
      List<String> keys = new ArrayList<>(expected.keySet());
      for (int i = 0; i < keys.size(); i++) {
        assertEquals(keys.get(i), ids.id(i));
        assertEquals(i, ids.indexOf(keys.get(i)));
      }
      for (int k = 0; k < 2000; k++) {
        String id = rnd.nextInt(3) == 0 ? "x" + k : Integer.toString(rnd.nextInt(Math.max(1, n)));
        int i = ids.indexOf(id);
        assertEquals(expected.containsKey(id), i >= 0, id);
        if (i >= 0) {
          assertEquals(expected.get(id), ids.hasRow(i));
          expected.put(id, Boolean.TRUE);
          ids.markRow(i);
        }
      }
      for (int i = 0; i < keys.size(); i++) {
        assertEquals(expected.get(keys.get(i)), ids.hasRow(i));
      }
    }
  }
}
