package org.easel.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easel.engine.exec.ExecutionListener;
import org.easel.engine.exec.ExecutionResult;
import org.easel.engine.exec.Executor;
import org.easel.engine.exec.OutputCache;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.prompt.PromptFormatException;
import org.easel.engine.testnodes.Recorder;
import org.easel.engine.testnodes.TestNodes;
import org.easel.engine.validation.ValidationResult;
import org.easel.engine.validation.Validator;
import org.junit.jupiter.api.Assertions;

/** A registry of the test nodes, a validator and an executor sharing one cache, plus helpers to run prompts. */
public final class Harness {
    public final Recorder rec = new Recorder();
    public final NodeRegistry registry = TestNodes.registry(rec);
    public final Environment env;
    public final Validator validator;
    public final Executor executor;
    private int promptCounter;

    public Harness(Path base) {
        this(base, 64L << 20);
    }

    public Harness(Path base, long cacheBudget) {
        this.env = Environment.under(base, "cpu");
        try {
            Files.createDirectories(env.inputDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.validator = new Validator(registry, env);
        this.executor = new Executor(env, new OutputCache(cacheBudget));
    }

    public static Prompt prompt(String json) {
        try {
            return Prompt.parse(json);
        } catch (PromptFormatException e) {
            throw new AssertionError("prompt did not parse: " + e.getMessage(), e);
        }
    }

    public ValidationResult validate(String json) {
        return validator.validate(prompt(json));
    }

    public ValidationResult validate(String json, Collection<String> targets) {
        return validator.validate(prompt(json), targets);
    }

    /** Validates (must be ok), clears the recorder, executes, and returns the result with its events. */
    public Run run(String json) {
        return run(json, null);
    }

    public Run run(String json, Collection<String> targets) {
        Prompt p = prompt(json);
        ValidationResult v = validator.validate(p, targets);
        assertTrue(v.ok(), () -> "validation failed: " + Json.write(v.errorJson()));
        return execute(p, v, "p" + (++promptCounter));
    }

    public Run execute(Prompt p, ValidationResult v, String promptId) {
        rec.clear();
        Events events = new Events();
        ExecutionResult r = executor.execute(p, v, promptId, null, events);
        return new Run(promptId, v, r, events, rec.executed());
    }

    /** One execution: the result, its events, and what the nodes themselves recorded. */
    public record Run(String promptId, ValidationResult validation, ExecutionResult result, Events events, List<String> ran) {
        public List<String> cached() { return result.cached(); }
    }

    /** Captures events (type + a copy of the data) in order. */
    public static final class Events implements ExecutionListener {
        public record Event(String type, Map<String, Object> data) {}

        public final List<Event> list = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onEvent(String type, Map<String, Object> data) {
            list.add(new Event(type, new LinkedHashMap<>(data)));
        }

        public List<String> types() {
            synchronized (list) {
                return list.stream().map(Event::type).toList();
            }
        }

        public List<Event> of(String type) {
            synchronized (list) {
                return list.stream().filter(e -> e.type().equals(type)).toList();
            }
        }

        public Event first(String type) {
            List<Event> l = of(type);
            return l.isEmpty() ? null : l.get(0);
        }
    }

    /** JSON equality where numbers compare by value (1 == 1.0), as they would in JavaScript or Python. */
    public static void assertJsonEquals(JsonNode expected, JsonNode actual) {
        Comparator<JsonNode> numeric = (a, b) -> {
            if (a.equals(b)) return 0;
            if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue());
            return 1;
        };
        if (!expected.equals(numeric, actual)) {
            Assertions.fail("JSON differs\nexpected: " + expected + "\nactual:   " + actual);
        }
    }

    /** A plain-map/list structure as a JSON tree, for shape assertions. */
    public static JsonNode tree(Object value) {
        try {
            return Json.parse(Json.write(value));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
