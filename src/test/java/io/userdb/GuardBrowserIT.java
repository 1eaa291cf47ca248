package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** A real Chromium opens a guarded file, is sent to sign in, and lands on the file. */
class GuardBrowserIT {

  @TempDir Path work;

  @Test
  @Timeout(180)
  void a_browser_signs_in_on_the_page_it_is_sent_to_and_lands_on_the_guarded_file()
      throws Exception {
    ConsoleBrowserIT.requireBrowser();
    try (GuardStack stack = GuardStack.start(work)) {
      String base = stack.http().base();
      WebDriver driver = ConsoleBrowserIT.browser();
      try {
        driver.get(base + "/protected/page.txt?from=link");
        ConsoleBrowserIT.waitFor(
            () -> !driver.findElements(By.cssSelector("#sign-in")).isEmpty(), "the sign-in form");
        assertTrue(
            driver
                .getCurrentUrl()
                .endsWith("/console/?return=%2Fprotected%2Fpage.txt%3Ffrom%3Dlink"),
            driver.getCurrentUrl());
        driver.findElement(By.cssSelector("#sign-in-username")).sendKeys("admin");
        driver.findElement(By.cssSelector("#sign-in-password")).sendKeys(TestServer.ADMIN_PASSWORD);
        driver.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
        ConsoleBrowserIT.waitFor(
            () -> driver.getCurrentUrl().endsWith("/protected/page.txt?from=link"),
            "back on the guarded file");
        assertEquals(
            GuardStack.PAGE.strip(), driver.findElement(By.tagName("body")).getText().strip());

        // Signed out from the console: the guarded file sends the browser to sign in again.
        driver.get(base + "/console/");
        ConsoleBrowserIT.waitFor(
            () ->
                !driver.findElements(By.id("sign-out")).isEmpty()
                    && driver.findElement(By.id("sign-out")).isDisplayed(),
            "the console, signed in");
        driver.findElement(By.id("sign-out")).click();
        ConsoleBrowserIT.waitFor(
            () -> !driver.findElements(By.cssSelector("#sign-in")).isEmpty(), "signed out");
        driver.get(base + "/protected/page.txt");
        ConsoleBrowserIT.waitFor(
            () -> driver.getCurrentUrl().contains("/console/?return="), "sent to sign in again");
      } finally {
        driver.quit();
      }
    }
  }
}
