package org.easel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.engine.NodeRegistry;
import org.easel.nodes.Setup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.TimeoutException;

/**
 * The editor in a real headless Chromium against a real server on the demo model: build text-to-image from an
 * empty canvas by drag and drop, queue it, find the image in the gallery; open a ComfyUI-saved PNG by dropping
 * it; pan and zoom a 500-node graph and print the frame times. Screenshots go to target/e2e-screenshots, or to
 * the folder named by -Deasel.screenshots (the README's pictures: -Deasel.screenshots=../docs/screenshots).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EditorE2ETest {
    static Path dir;
    static EaselServer server;
    static ChromeDriver driver;
    static String base;
    static Path shots;

    @BeforeAll
    static void start() throws Exception {
        assertNotNull(EditorE2ETest.class.getClassLoader().getResource("webroot/index.html"),
                "the editor bundle (web-ui/frontend, built by Maven into target/classes/webroot) is missing");
        dir = Files.createTempDirectory("easel-e2e");
        Environment env = Environment.under(dir, "cpu");
        Setup.prepare(env, null);
        server = new EaselServer(NodeRegistry.load(), env, new ServerConfig().port(0).cacheBytes(64L << 20), null).start();
        base = "http://127.0.0.1:" + server.port() + "/";
        shots = Path.of(System.getProperty("easel.screenshots", "target/e2e-screenshots"));
        Files.createDirectories(shots);

        ChromeOptions o = new ChromeOptions();
        String binary = System.getenv().getOrDefault("CHROME_BIN", "/usr/bin/chromium");
        o.setBinary(binary);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--window-size=1440,1000", "--force-device-scale-factor=1",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chrome-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver")).toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        driver.manage().window().setSize(new Dimension(1440, 1000));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (driver != null) driver.quit();
        if (server != null) server.close();
    }

    // ---- the text-to-image flow ----------------------------------------------------------------------

    @Test
    @Order(1)
    void buildTextToImageByDragAndDropQueueItAndSeeTheImage() throws Exception {
        open();
        assertEquals(0, nodes().size(), "a fresh editor starts with an empty canvas");
        screenshot("empty-canvas");

        String ckpt = drop("CheckpointLoaderSimple", -540, -330);
        String pos = drop("CLIPTextEncode", -300, -340);
        String neg = drop("CLIPTextEncode", -300, -150);
        String latent = drop("EmptySD3LatentImage", -300, 40);
        String sampler = drop("KSampler", -40, -340);
        String decode = drop("VAEDecode", 240, -340);
        String save = drop("SaveImage", 240, -220);
        assertEquals(7, nodes().size());
        driver.findElement(By.cssSelector(".react-flow__controls-fitview")).click(); // every handle in view
        Thread.sleep(400);

        connect(ckpt, 0, sampler, 0);   // MODEL
        connect(ckpt, 1, pos, 0);       // CLIP
        connect(ckpt, 1, neg, 0);
        connect(pos, 0, sampler, 1);    // positive
        connect(neg, 0, sampler, 2);    // negative
        connect(latent, 0, sampler, 3); // latent_image
        connect(sampler, 0, decode, 0); // samples
        connect(ckpt, 2, decode, 1);    // vae
        connect(decode, 0, save, 0);    // images
        assertEquals(9, edges(), "nine links");

        // an invalid drop does nothing and says why
        connect(decode, 0, sampler, 3);
        assertEquals(9, edges());
        waitFor(() -> driver.findElements(By.cssSelector(".toast.error")).stream()
                .anyMatch(t -> t.getText().contains("IMAGE cannot connect to LATENT")), 5, "a message explaining the refused link");

        node(pos).findElement(By.tagName("textarea")).sendKeys("a red circle");
        setNumber(latent, "width", "256");
        setNumber(latent, "height", "256");
        setNumber(sampler, "steps", "6");
        assertEquals("0", numberValue(sampler, "seed"));

        driver.findElement(By.cssSelector("[data-testid=queue-button]")).click();
        driver.findElement(By.cssSelector("[data-testid=tab-queue]")).click();
        WebElement img = waitFor(() -> {
            List<WebElement> g = driver.findElements(By.cssSelector("[data-testid=gallery-image]"));
            return !g.isEmpty() && loaded(g.get(0)) ? g.get(0) : null;
        }, 90, "the generated image in the gallery");
        long width = (Long) js("return arguments[0].naturalWidth", img);
        assertEquals(256, width, "the 256×256 picture");
        // control_after_generate (randomize) changed the seed after queueing
        waitFor(() -> !"0".equals(numberValue(sampler, "seed")), 5, "a new seed after queueing");
        // the saved image shows on the SaveImage node
        waitFor(() -> node(save).findElements(By.cssSelector(".node-images img")).size() == 1, 10, "the image on SaveImage");

        // a bigger run to catch the live preview and the executing node
        setNumber(latent, "width", "1024");
        setNumber(latent, "height", "1024");
        setNumber(sampler, "steps", "40");
        driver.findElement(By.cssSelector(".react-flow__controls-fitview")).click();
        new Actions(driver).keyDown(Keys.CONTROL).sendKeys(Keys.ENTER).keyUp(Keys.CONTROL).perform();
        waitFor(() -> !driver.findElements(By.cssSelector(".node.executing img[alt='live preview']")).isEmpty(), 60, "a live preview on the sampler");
        String progress = driver.findElement(By.cssSelector("[data-testid=progress-bar]")).getAttribute("data-value");
        System.out.println("[e2e] overall progress while sampling: " + progress);
        screenshot("running-text-to-image");
        waitFor(() -> driver.findElements(By.cssSelector("[data-testid=gallery-image]")).size() >= 2, 120, "the second image");
        waitFor(() -> driver.findElements(By.cssSelector(".node.executing")).isEmpty(), 30, "the run to finish");

        driver.findElements(By.cssSelector("[data-testid=gallery-image]")).get(0).click();
        waitFor(() -> !driver.findElements(By.cssSelector(".lightbox img")).isEmpty() && loaded(driver.findElement(By.cssSelector(".lightbox img"))),
                10, "the enlarged image");
        screenshot("gallery");
        // load the workflow of that past run
        driver.findElement(By.xpath("//button[text()='Load workflow']")).click();
        waitFor(() -> nodes().size() == 7 && driver.findElements(By.cssSelector(".lightbox")).isEmpty(), 10, "the run's workflow loaded");
    }

    // ---- opening a ComfyUI-saved PNG -----------------------------------------------------------------------

    @Test
    @Order(2)
    void droppingAComfyUiPngOpensItsWorkflow() throws Exception {
        open();
        js("localStorage.clear()");
        driver.findElement(By.xpath("//button[text()='New']")).click();
        waitFor(() -> nodes().isEmpty(), 5, "an empty canvas");
        byte[] png = pngWithText(Map.of("workflow", comfyWorkflow(), "prompt", "{}"));
        dropFile("ComfyUI_00001_.png", "image/png", png);
        waitFor(() -> nodes().size() == 8, 20, "the workflow from the PNG");
        assertEquals(1, driver.findElements(By.cssSelector("[data-node-type=FancyCustomNode].unknown")).size(),
                "a node of an unknown type still loads, drawn in red");
        assertEquals(9, edges());
        String title = node("6").findElement(By.cssSelector(".title-text")).getText();
        assertEquals("Positive Prompt", title);
        assertEquals("a blue square on the left", node("6").findElement(By.tagName("textarea")).getAttribute("value"));
    }

    // ---- a shared workflow with ComfyUI's frontend-only nodes ---------------------------------------------------

    @Test
    @Order(3)
    void aSharedWorkflowWithANoteARerouteAndAPrimitiveOpensAndRuns() throws Exception {
        open();
        js("localStorage.clear()");
        driver.findElement(By.xpath("//button[text()='New']")).click();
        waitFor(() -> nodes().isEmpty(), 5, "an empty canvas");
        dropFile("shared.json", "application/json", sharedWorkflow().getBytes(StandardCharsets.UTF_8));
        waitFor(() -> nodes().size() == 10, 20, "the shared workflow");
        assertEquals(0, driver.findElements(By.cssSelector(".node.unknown")).size(), "notes, reroutes and primitives are no unknown types");
        assertTrue(driver.findElements(By.cssSelector(".toast.error")).stream().noneMatch(t -> t.getText().contains("Unknown")),
                "no 'unknown node types' message");
        assertEquals("Shared by a friend: seed 42 makes a nice one.", node("22").findElement(By.tagName("textarea")).getAttribute("value"));
        assertEquals("42", numberValue("21", "value"), "the primitive's value");
        assertEquals(11, edges());
        driver.findElement(By.cssSelector(".react-flow__controls-fitview")).click();
        screenshot("shared-workflow");

        // queued as the server converts it: reroute and primitive resolved, note dropped
        Set<String> before = new HashSet<>();
        history().fieldNames().forEachRemaining(before::add);
        // Shift+click queues at the front (ComfyUI's "Queue Front")
        new Actions(driver).keyDown(Keys.SHIFT).click(driver.findElement(By.cssSelector("[data-testid=queue-button]"))).keyUp(Keys.SHIFT).perform();
        JsonNode entry = waitFor(() -> {
            JsonNode h = history();
            for (Iterator<String> it = h.fieldNames(); it.hasNext(); ) {
                String id = it.next();
                if (!before.contains(id) && h.get(id).at("/status/status_str").asText().equals("success")) return h.get(id);
            }
            return null;
        }, 90, "the shared workflow's run in history");
        assertTrue(entry.at("/prompt/0").asDouble() < 0, "queued at the front: a negative number, " + entry.at("/prompt/0"));
        JsonNode prompt = entry.at("/prompt/2");
        assertEquals(42, prompt.at("/3/inputs/seed").asInt(), "the primitive's value reached the sampler");
        assertEquals("4", prompt.at("/3/inputs/model/0").asText(), "the reroute was wired through");
        assertTrue(!prompt.has("20") && !prompt.has("21") && !prompt.has("22"), "no editor-only node in the prompt: " + prompt);
    }

    static JsonNode history() {
        try (InputStream in = URI.create(base + "history").toURL().openStream()) {
            return Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    /** A ComfyUI text-to-image workflow with a note, a reroute on the model link and a primitive on the seed. */
    static String sharedWorkflow() throws Exception {
        ObjectNode wf = (ObjectNode) Json.parse(comfyWorkflow());
        ArrayNode nodes = (ArrayNode) wf.get("nodes");
        for (int i = nodes.size() - 1; i >= 0; i--) if (nodes.get(i).get("type").asText().equals("FancyCustomNode")) nodes.remove(i);
        for (JsonNode n : nodes) {
            if (n.get("id").asInt() == 3) {                 // KSampler: model through the reroute, seed from the primitive
                ((ObjectNode) n.get("inputs").get(0)).put("link", 10);
                ((ArrayNode) n.get("inputs")).add(((ObjectNode) inSlot("seed", "INT", 11)).set("widget", Json.MAPPER.createObjectNode().put("name", "seed")));
                ((ArrayNode) n.get("widgets_values")).set(0, Json.MAPPER.getNodeFactory().numberNode(7));
            }
        }
        nodes.add(uiNode(20, "Reroute", 600, 120, List.of(inSlot("", "*", 1)), List.of(outSlot("MODEL", 10)), null));
        ((ObjectNode) nodes.get(nodes.size() - 1).get("outputs").get(0)).put("name", "");
        ObjectNode primitive = uiNode(21, "PrimitiveNode", 600, 20, List.of(), List.of(outSlot("INT", 11)), "[42, \"fixed\"]");
        ((ObjectNode) primitive.get("outputs").get(0)).putObject("widget").put("name", "seed");
        nodes.add(primitive);
        nodes.add(uiNode(22, "Note", 20, 100, List.of(), List.of(), "[\"Shared by a friend: seed 42 makes a nice one.\"]"));
        ArrayNode links = (ArrayNode) wf.get("links");
        links.set(0, Json.MAPPER.readTree("[1,4,0,20,0,\"MODEL\"]"));
        links.add(Json.MAPPER.readTree("[10,20,0,3,0,\"MODEL\"]"));
        links.add(Json.MAPPER.readTree("[11,21,0,3,4,\"INT\"]"));
        wf.put("last_node_id", 22).put("last_link_id", 11);
        return Json.write(wf);
    }

    // ---- a 500-node graph ----------------------------------------------------------------------------------

    @Test
    @Order(4)
    void fiveHundredNodesPanAndZoom() throws Exception {
        open();
        driver.findElement(By.xpath("//button[text()='New']")).click();
        waitFor(() -> nodes().isEmpty(), 5, "an empty canvas");
        String empty = panAndZoomFrameTimes();
        dropFile("large.json", "application/json", largeWorkflow(25, 20).getBytes(StandardCharsets.UTF_8));
        waitFor(() -> nodes().size() > 20, 30, "the large graph");
        Thread.sleep(1000);
        String large = panAndZoomFrameTimes();
        // frame times include the WebDriver's input dispatch; the empty canvas under the same gestures is the floor
        System.out.println("[e2e] pan/zoom frame times, empty canvas:  " + empty);
        System.out.println("[e2e] pan/zoom frame times, 500-node graph: " + large);
        waitFor(() -> (Long) js("return JSON.parse(localStorage.getItem('easel.workflow') || '{\"nodes\":[]}').nodes.length") == 500, 10,
                "all 500 nodes autosaved");
    }

    /** Pans (60 pointer moves) then zooms (12 wheel steps) while recording requestAnimationFrame intervals. */
    static String panAndZoomFrameTimes() {
        WebElement pane = driver.findElement(By.cssSelector(".react-flow__pane"));
        js("window.__frames = []; let last = performance.now(); window.__recording = true;"
                + "const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__recording) requestAnimationFrame(tick); };"
                + "requestAnimationFrame(tick);");
        Actions pan = new Actions(driver).moveToElement(pane, -200, 0).clickAndHold();
        for (int i = 0; i < 60; i++) pan.moveByOffset(i < 30 ? 8 : -8, i % 2 == 0 ? 3 : -3);
        pan.release().perform();
        for (int i = 0; i < 12; i++) {
            new Actions(driver).scrollFromOrigin(WheelInput.ScrollOrigin.fromElement(pane), 0, i < 6 ? 120 : -120).perform();
        }
        return (String) js("window.__recording = false; const f = window.__frames.slice(2).sort((a, b) => a - b);"
                + "const n = f.length, mean = f.reduce((s, x) => s + x, 0) / n;"
                + "const p = (q) => f[Math.min(n - 1, Math.floor(q * n))];"
                + "return `frames=${n} mean=${mean.toFixed(1)}ms p50=${p(0.5).toFixed(1)}ms p95=${p(0.95).toFixed(1)}ms max=${f[n - 1].toFixed(1)}ms`"
                + " + ` nodes in page=${document.querySelectorAll('[data-testid=node]').length}`;");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    static void open() {
        driver.get(base);
        waitFor(() -> !driver.findElements(By.cssSelector("[data-testid=node-library]")).isEmpty(), 30, "the editor");
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    static List<WebElement> nodes() {
        return driver.findElements(By.cssSelector("[data-testid=node]"));
    }

    static int edges() {
        return driver.findElements(By.cssSelector(".react-flow__edge")).size();
    }

    static WebElement node(String id) {
        return driver.findElement(By.cssSelector("[data-testid=node][data-node-id='" + id + "']"));
    }

    static boolean loaded(WebElement img) {
        return Boolean.TRUE.equals(js("return arguments[0].complete && arguments[0].naturalWidth > 0", img));
    }

    /** Drags a node type from the library onto the canvas at an offset from its centre; returns the new node's id. */
    static String drop(String type, int dx, int dy) {
        WebElement search = driver.findElement(By.cssSelector("[data-testid=node-search]"));
        search.sendKeys(Keys.chord(Keys.CONTROL, "a"), type);
        WebElement item = waitFor(() -> driver.findElements(By.cssSelector("[data-testid=library-item][data-node-type='" + type + "']"))
                .stream().findFirst().orElse(null), 5, "library item " + type);
        int before = driver.findElements(By.cssSelector("[data-node-type='" + type + "'][data-testid=node]")).size();
        WebElement canvas = driver.findElement(By.cssSelector("main.canvas"));
        new Actions(driver).clickAndHold(item).moveByOffset(15, 5).moveToElement(canvas, dx + 20, dy + 14).release().perform();
        waitFor(() -> driver.findElements(By.cssSelector("[data-node-type='" + type + "'][data-testid=node]")).size() == before + 1, 5,
                "node " + type + " on the canvas");
        return driver.findElements(By.cssSelector("[data-node-type='" + type + "'][data-testid=node]")).stream()
                .map(e -> e.getAttribute("data-node-id")).max((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b))).orElseThrow();
    }

    static void connect(String from, int out, String to, int in) {
        WebElement src = node(from).findElement(By.cssSelector(".react-flow__handle[data-handleid='o" + out + "']"));
        WebElement dst = node(to).findElement(By.cssSelector(".react-flow__handle[data-handleid='i" + in + "']"));
        new Actions(driver).clickAndHold(src).moveByOffset(30, 10).moveToElement(dst).pause(Duration.ofMillis(50)).release().perform();
    }

    static WebElement numberWidget(String nodeId, String name) {
        return node(nodeId).findElements(By.cssSelector(".w-number")).stream()
                .filter(w -> w.findElement(By.cssSelector(".w-label")).getText().equals(name)).findFirst().orElseThrow();
    }

    static String numberValue(String nodeId, String name) {
        return numberWidget(nodeId, name).findElement(By.cssSelector(".w-value")).getText();
    }

    static void setNumber(String nodeId, String name, String value) {
        numberWidget(nodeId, name).findElement(By.cssSelector(".w-number-value")).click();
        WebElement input = node(nodeId).findElement(By.cssSelector("input.w-input"));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), value, Keys.ENTER);
        waitFor(() -> value.equals(numberValue(nodeId, name)), 5, name + " = " + value);
    }

    /** Drops a file on the canvas the way a browser does (a DataTransfer with the file in a drop event). */
    static void dropFile(String name, String type, byte[] bytes) {
        js("const bin = atob(arguments[0]); const a = new Uint8Array(bin.length);"
                + "for (let i = 0; i < bin.length; i++) a[i] = bin.charCodeAt(i);"
                + "const dt = new DataTransfer(); dt.items.add(new File([a], arguments[1], {type: arguments[2]}));"
                + "const target = document.querySelector('.react-flow__pane'); const r = target.getBoundingClientRect();"
                + "const opts = {bubbles: true, cancelable: true, dataTransfer: dt, clientX: r.left + 200, clientY: r.top + 200};"
                + "target.dispatchEvent(new DragEvent('dragover', opts)); target.dispatchEvent(new DragEvent('drop', opts));",
                Base64.getEncoder().encodeToString(bytes), name, type);
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    static <T> T waitFor(Probe<T> probe, int seconds, String what) {
        Object[] found = new Object[1];
        try {
            new WebDriverWait(driver, Duration.ofSeconds(seconds)).pollingEvery(Duration.ofMillis(50)).until(d -> {
                try {
                    T v = probe.get();
                    if (v == null || Boolean.FALSE.equals(v)) return false;
                    found[0] = v;
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
        } catch (TimeoutException e) {
            screenshot("failure");
            List<String> toasts = driver.findElements(By.cssSelector(".toast")).stream().map(WebElement::getText).toList();
            throw new AssertionError("timed out after " + seconds + " s waiting for " + what + "; messages on screen: " + toasts);
        }
        @SuppressWarnings("unchecked") T t = (T) found[0];
        return t;
    }

    /** Saves the page as a JPEG, 1200 px wide (small enough for the README). */
    static void screenshot(String name) {
        try {
            BufferedImage page = ImageIO.read(new ByteArrayInputStream(driver.getScreenshotAs(OutputType.BYTES)));
            int w = Math.min(1200, page.getWidth());
            int h = page.getHeight() * w / page.getWidth();
            BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = small.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(page, 0, 0, w, h, null);
            g.dispose();
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.85f);
            try (ImageOutputStream out = ImageIO.createImageOutputStream(shots.resolve(name + ".jpg").toFile())) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(small, null, null), param);
            } finally {
                writer.dispose();
            }
        } catch (Exception e) {
            System.out.println("[e2e] screenshot " + name + " failed: " + e);
        }
    }

    /** A text-to-image workflow as ComfyUI saves it (0.4 links, seed control, size objects, an uninstalled node). */
    static String comfyWorkflow() throws Exception {
        ObjectNode wf = Json.MAPPER.createObjectNode();
        wf.put("last_node_id", 12).put("last_link_id", 9);
        ArrayNode nodes = wf.putArray("nodes");
        nodes.add(uiNode(4, "CheckpointLoaderSimple", 20, 400, List.of(), List.of(outSlot("MODEL", 1), outSlot("CLIP", 3, 5), outSlot("VAE", 8)),
                "[\"easel-tiny-sd3\"]"));
        nodes.add(uiNode(6, "CLIPTextEncode", 400, 150, List.of(inSlot("clip", "CLIP", 3)), List.of(outSlot("CONDITIONING", 4)),
                "[\"a blue square on the left\"]").put("title", "Positive Prompt"));
        nodes.add(uiNode(7, "CLIPTextEncode", 400, 420, List.of(inSlot("clip", "CLIP", 5)), List.of(outSlot("CONDITIONING", 6)), "[\"\"]"));
        nodes.add(uiNode(5, "EmptySD3LatentImage", 400, 650, List.of(), List.of(outSlot("LATENT", 2)), "[256, 256, 1]"));
        nodes.add(uiNode(3, "KSampler", 800, 150, List.of(inSlot("model", "MODEL", 1), inSlot("positive", "CONDITIONING", 4),
                inSlot("negative", "CONDITIONING", 6), inSlot("latent_image", "LATENT", 2)), List.of(outSlot("LATENT", 7)),
                "[7, \"randomize\", 8, 4.5, \"euler\", \"sgm_uniform\", 1]"));
        nodes.add(uiNode(8, "VAEDecode", 1150, 150, List.of(inSlot("samples", "LATENT", 7), inSlot("vae", "VAE", 8)), List.of(outSlot("IMAGE", 9)), null));
        nodes.add(uiNode(9, "SaveImage", 1400, 150, List.of(inSlot("images", "IMAGE", 9)), List.of(), "[\"ComfyUI\"]"));
        nodes.add(uiNode(12, "FancyCustomNode", 1400, 500, List.of(inSlot("image", "IMAGE", null)), List.of(outSlot("FANCY")), "[3, \"x\"]"));
        ((ObjectNode) nodes.get(0)).putObject("size").put("0", 315).put("1", 98);
        wf.set("links", Json.MAPPER.readTree("[[1,4,0,3,0,\"MODEL\"],[2,5,0,3,3,\"LATENT\"],[3,4,1,6,0,\"CLIP\"],[4,6,0,3,1,\"CONDITIONING\"],"
                + "[5,4,1,7,0,\"CLIP\"],[6,7,0,3,2,\"CONDITIONING\"],[7,3,0,8,0,\"LATENT\"],[8,4,2,8,1,\"VAE\"],[9,8,0,9,0,\"IMAGE\"]]"));
        wf.putArray("groups");
        wf.putObject("config");
        wf.putObject("extra").putObject("ds").put("scale", 0.7).putArray("offset").add(0).add(0);
        wf.put("version", 0.4);
        return Json.write(wf);
    }

    static ObjectNode uiNode(int id, String type, int x, int y, List<JsonNode> inputs, List<JsonNode> outputs, String widgets) throws Exception {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", id).put("type", type);
        n.putArray("pos").add(x).add(y);
        n.putArray("size").add(300).add(120);
        n.putObject("flags");
        n.put("order", 0).put("mode", 0);
        n.putArray("inputs").addAll(inputs);
        n.putArray("outputs").addAll(outputs);
        n.putObject("properties").put("Node name for S&R", type);
        if (widgets != null) n.set("widgets_values", Json.MAPPER.readTree(widgets));
        return n;
    }

    static JsonNode inSlot(String name, String type, Integer link) {
        ObjectNode s = Json.MAPPER.createObjectNode().put("name", name).put("type", type);
        if (link == null) s.putNull("link"); else s.put("link", link);
        return s;
    }

    static JsonNode outSlot(String type, int... links) {
        ObjectNode s = Json.MAPPER.createObjectNode().put("name", type).put("type", type);
        ArrayNode l = s.putArray("links");
        for (int x : links) l.add(x);
        return s;
    }

    /** A small PNG with tEXt chunks, as ComfyUI writes them (keyword, NUL, Latin-1 text) before IEND. */
    static byte[] pngWithText(Map<String, String> text) throws Exception {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        ImageIO.write(img, "png", raw);
        byte[] png = raw.toByteArray();
        int iend = png.length - 12;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, iend);
        for (Map.Entry<String, String> e : text.entrySet()) {
            byte[] data = (e.getKey() + "\0" + e.getValue()).getBytes(StandardCharsets.ISO_8859_1);
            byte[] type = "tEXt".getBytes(StandardCharsets.US_ASCII);
            out.write(ByteBuffer.allocate(4).putInt(data.length).array());
            out.write(type);
            out.write(data);
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(data);
            out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        }
        out.write(png, iend, 12);
        return out.toByteArray();
    }

    /** Columns of EmptyImage → ImageInvert chains: cols × rows nodes, linked down each column. */
    static String largeWorkflow(int cols, int rows) {
        ObjectNode wf = Json.MAPPER.createObjectNode();
        ArrayNode nodes = wf.putArray("nodes");
        ArrayNode links = wf.putArray("links");
        int link = 0;
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                int id = c * rows + r + 1;
                ObjectNode n = nodes.addObject();
                n.put("id", id).put("type", r == 0 ? "EmptyImage" : "ImageInvert").put("mode", 0);
                n.putArray("pos").add(c * 300).add(r * 160);
                ArrayNode ins = n.putArray("inputs");
                ObjectNode out = n.putArray("outputs").addObject().put("name", "IMAGE").put("type", "IMAGE");
                if (r > 0) {
                    link++;
                    ins.addObject().put("name", "image").put("type", "IMAGE").put("link", link);
                    links.addArray().add(link).add(id - 1).add(0).add(id).add(0).add("IMAGE");
                }
                if (r < rows - 1) out.putArray("links").add(link + 1); else out.putNull("links");
                if (r == 0) n.set("widgets_values", Json.MAPPER.createArrayNode().add(64).add(64).add(1).add(0));
            }
        }
        wf.put("last_node_id", cols * rows).put("last_link_id", link).put("version", 0.4);
        return Json.write(wf);
    }
}
