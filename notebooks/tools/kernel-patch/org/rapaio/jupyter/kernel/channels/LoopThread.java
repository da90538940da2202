package org.rapaio.jupyter.kernel.channels;

/**
 * Replaces the kernel's own {@code LoopThread} (rapaio-jupyter-kernel 3.0.1), which sets its
 * {@code running} flag only after {@code Thread.start()} returns. A thread that gets to {@code run()}
 * first sees {@code false} and ends at once, so that channel (shell, control or heartbeat) is dead
 * from the start, and the kernel never answers {@code kernel_info}. run-notebooks.sh compiles this
 * class and puts it ahead of the kernel's jar on the kernel's classpath. Same constructor and methods
 * as the class it replaces; the only change is that the flag is set before the thread starts.
 */
public final class LoopThread extends Thread {
  private volatile boolean running;
  private final long sleep;
  private final Runnable loopBody;

  public LoopThread(String name, long sleep, Runnable loopBody) {
    super(name);
    this.sleep = sleep;
    this.loopBody = loopBody;
  }

  @Override
  public void run() {
    while (running) {
      loopBody.run();
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        running = false;
      }
    }
  }

  @Override
  public synchronized void start() {
    running = true;
    super.start();
  }

  public void shutdown() {
    running = false;
  }
}
