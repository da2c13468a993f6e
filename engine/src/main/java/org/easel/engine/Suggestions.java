package org.easel.engine;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean" for names a user typed: the closest existing name by edit distance, ignoring case. */
public final class Suggestions {
    private Suggestions() {}

    /** The candidate nearest to {@code typed} (ties: the first), or null when there are none. */
    public static String closest(String typed, Collection<String> candidates) {
        if (typed == null || candidates == null) return null;
        String t = typed.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(t, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /** The closest candidate when it is a plausible typo of {@code typed} (at most about half of it differs), else null. */
    public static String nearMiss(String typed, Collection<String> candidates) {
        String c = closest(typed, candidates);
        if (c == null) return null;
        return distance(typed.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT)) <= typed.length() / 2 ? c : null;
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
