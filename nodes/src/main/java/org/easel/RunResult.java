package org.easel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easel.engine.Environment;
import org.easel.engine.exec.ExecutionResult;

/**
 * How one {@link Easel#run} ended, as values: the {@link Status}, the validation (with its problems when
 * the workflow was invalid or some outputs were skipped), the files the run saved with the node that saved
 * each, the text outputs by node id, and the engine's full result (ComfyUI's history shape) when it ran.
 */
public record RunResult(String promptId, Status status, Validation validation, List<SavedFile> images,
                        Map<String, List<String>> texts, ExecutionResult execution) {

    /** {@code INVALID}: nothing ran (see {@link Validation#problems()}); {@code FAILED}: a node failed. */
    public enum Status { SUCCESS, FAILED, INTERRUPTED, INVALID }

    /** A file a node saved: the node's id, the absolute path, and ComfyUI's folder type (output, temp, input). */
    public record SavedFile(String nodeId, Path path, String type) {}

    public RunResult {
        images = List.copyOf(images);
        texts = Map.copyOf(texts);
    }

    static RunResult invalid(String promptId, Validation v) {
        return new RunResult(promptId, Status.INVALID, v, List.of(), Map.of(), null);
    }

    /** Collects the saved files and texts from the UI outputs of an execution. */
    static RunResult of(String promptId, Validation v, ExecutionResult r, Environment env) {
        Status status = r.success() ? Status.SUCCESS : r.interrupted() ? Status.INTERRUPTED : Status.FAILED;
        List<SavedFile> files = new ArrayList<>();
        Map<String, List<String>> texts = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : r.outputs().entrySet()) {
            Map<String, Object> ui = e.getValue();
            if (ui.get("images") instanceof List<?> list) {
                for (Object o : list) {
                    if (!(o instanceof Map<?, ?> item) || item.get("filename") == null) continue;
                    String type = item.get("type") == null ? "output" : item.get("type").toString();
                    Path base = "temp".equals(type) ? env.tempDir() : "input".equals(type) ? env.inputDir() : env.outputDir();
                    String sub = item.get("subfolder") == null ? "" : item.get("subfolder").toString();
                    files.add(new SavedFile(e.getKey(), base.resolve(sub).resolve(item.get("filename").toString()), type));
                }
            }
            if (ui.get("text") instanceof List<?> list) {
                texts.put(e.getKey(), list.stream().map(String::valueOf).toList());
            }
        }
        return new RunResult(promptId, status, v, files, texts, r);
    }

    public boolean success() { return status == Status.SUCCESS; }

    /** One line saying why the run did not succeed, naming the node (null on success). */
    public String errorMessage() {
        return switch (status) {
            case SUCCESS -> null;
            case INVALID -> String.join("\n", validation.describe());
            case FAILED, INTERRUPTED -> execution.errorMessage();
        };
    }
}
