package org.easel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ComfyUI's jobs API over the queue and history. */
class JobsApiTest {
    @Test
    void jobsListDetailAndCancel(@TempDir Path dir) throws Exception {
        try (Harness h = Harness.start(dir)) {
            String done = h.queue(QueueHistoryTest.slow(0.05, "jobs").json, null);
            h.awaitHistory(done, 10_000);
            JsonNode list = h.get("/api/jobs?status=completed&limit=1").json();
            JsonNode job = list.at("/jobs/0");
            assertEquals(done, job.get("id").asText());
            assertEquals("completed", job.get("status").asText());
            assertTrue(job.get("create_time").asLong() > 0);
            assertEquals(1, job.get("outputs_count").asInt());
            assertEquals("3", job.at("/preview_output/nodeId").asText());
            assertEquals("images", job.at("/preview_output/mediaType").asText());
            assertTrue(job.at("/preview_output/filename").asText().startsWith("jobs"));
            assertTrue(job.get("execution_end_time").asLong() >= job.get("execution_start_time").asLong());
            assertEquals(1, list.at("/pagination/limit").asInt());
            assertEquals(1, list.at("/pagination/total").asInt());
            assertFalse(list.at("/pagination/has_more").asBoolean());

            JsonNode one = h.get("/api/jobs/" + done).json();
            assertEquals(done, one.get("id").asText());
            assertTrue(one.get("outputs").has("3"));
            assertEquals("success", one.at("/execution_status/status_str").asText());
            assertTrue(one.at("/workflow/prompt").has("2"));
            assertEquals(404, h.get("/api/jobs/nonexistent-job-id").status());
            assertEquals("Job not found", h.get("/api/jobs/nonexistent-job-id").json().get("error").asText());

            String running = h.queue(QueueHistoryTest.slow(30, "r").json, null);
            String pending = h.queue(QueueHistoryTest.slow(1, "p").json, null, "extra_data",
                    Map.of("extra_pnginfo", Map.of("workflow", Map.of("id", "wf-7"))));
            long end = System.currentTimeMillis() + 10_000;
            while (!h.get("/api/jobs/" + running).json().get("status").asText().equals("in_progress") && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            JsonNode active = h.get("/api/jobs?status=pending,in_progress&sort_order=asc").json().get("jobs");
            assertEquals(List.of(running, pending), List.of(active.get(0).get("id").asText(), active.get(1).get("id").asText()));
            assertEquals("pending", active.get(1).get("status").asText());
            assertEquals(pending, h.get("/api/jobs?workflow_id=wf-7").json().at("/jobs/0/id").asText());
            assertEquals(3, h.get("/api/jobs").json().at("/pagination/total").asInt());

            assertEquals(400, h.get("/api/jobs?status=done").status());
            assertEquals(400, h.get("/api/jobs?sort_by=name").status());
            assertEquals(400, h.get("/api/jobs?limit=0").status());
            assertEquals(400, h.get("/api/jobs?offset=x").status());
            assertEquals(400, h.post("/api/jobs/cancel", Map.of("job_ids", List.of("not-an-id"))).status());

            assertTrue(h.post("/api/jobs/" + pending + "/cancel", "").json().get("cancelled").asBoolean());
            assertEquals(404, h.get("/api/jobs/" + pending).status(), "cancelled before it ran");
            assertTrue(h.post("/api/jobs/cancel", Map.of("job_ids", List.of(running))).json().get("cancelled").asBoolean());
            assertEquals("failed", statusOnceDone(h, running));
            assertFalse(h.post("/api/jobs/" + done + "/cancel", "").json().get("cancelled").asBoolean());
        }
    }

    private static String statusOnceDone(Harness h, String id) throws Exception {
        h.awaitHistory(id, 10_000);
        return h.get("/api/jobs/" + id).json().get("status").asText();
    }
}
