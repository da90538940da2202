#!/usr/bin/env bash
# Runs every notebook in notebooks/ headless and fails if any cell fails. Works on a fresh machine:
# installs what is missing (Java 17, Maven, Jupyter's nbconvert), builds the connector's shaded jar,
# resolves Spark and the emulator, fetches the Java kernel (rapaio-jupyter-kernel) and writes its
# kernel spec into notebooks/target/jupyter (nothing outside notebooks/target is touched).
#
#   notebooks/run-notebooks.sh                    # every notebook
#   notebooks/run-notebooks.sh quickstart.ipynb   # some
#   notebooks/run-notebooks.sh --setup-only       # build and install the kernel, then open them yourself:
#       JUPYTER_PATH=notebooks/target/jupyter jupyter notebook notebooks/
#   MAVEN_ARGS=-o notebooks/run-notebooks.sh      # extra Maven arguments (here: offline)
#
# Executed copies (with outputs) land in notebooks/target/executed/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target=$root/notebooks/target
kernel_version=3.0.1
kernel_name=java-spark-together-batch

setup_only=false
notebooks=()
for a in "$@"; do
  case "$a" in
    --setup-only) setup_only=true ;;
    *) notebooks+=("$a") ;;
  esac
done

# 1. Tools ----------------------------------------------------------------------------------------
jupyter_pkgs=(jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client)
need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
if ! command -v jupyter-nbconvert >/dev/null 2>&1 || ! dpkg -s "${jupyter_pkgs[@]}" >/dev/null 2>&1; then
  need_apt+=("${jupyter_pkgs[@]}")
fi
# the notebook's chart draws text, which needs at least one font
command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list 2>/dev/null | sed -n 1p)" ] || need_apt+=(fontconfig fonts-dejavu-core)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

java_bin=$(readlink -f "$(command -v java)")
java_major=$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${java_major%%.*}" -lt 17 ] || [ "${java_major%%.*}" -gt 21 ]; then
  echo "The notebooks run Spark 3.5, which needs Java 17 or 21; 'java' here is $java_major ($java_bin)." >&2
  echo "Put a Java 17 first on PATH and run again." >&2
  exit 1
fi

# 2. The connector's shaded jar, and Spark + the emulator for the kernel's classpath ----------------
mkdir -p "$target"
# no colour codes from Maven when the output goes to a file or a pipe
[ -t 1 ] || MAVEN_ARGS="${MAVEN_ARGS:-} -Dstyle.color=never"
echo "Building the connector jar and resolving Spark (mvn -DskipTests package)..."
# shellcheck disable=SC2086
mvn -B -q ${MAVEN_ARGS:-} -pl examples -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/notebook-classpath.txt -DincludeScope=runtime \
  -DexcludeArtifactIds=spark-together-batch,httpclient5,httpcore5,httpcore5-h2
# the shaded jar: not the -unshaded, -tests, -sources or -javadoc ones beside it
jar=$(ls connector/target/spark-together-batch-*.jar | grep -Ev -- '-(sources|javadoc|tests|unshaded)\.jar$' | sed -n 1p)
cp "$jar" "$target/spark-together-batch.jar"
tr ':' '\n' < examples/target/notebook-classpath.txt | grep -v '^$' > "$target/classpath.txt"
echo "  connector: $jar -> notebooks/target/spark-together-batch.jar"
echo "  kernel classpath: $(wc -l < "$target/classpath.txt") jars (Spark $(grep -o 'spark-core_[^/]*\.jar' "$target/classpath.txt" | sed -n 1p), the emulator)"

# 3. The Java kernel and its spec -----------------------------------------------------------------
# shellcheck disable=SC2086
mvn -B -q ${MAVEN_ARGS:-} -N dependency:copy \
  -Dartifact=io.github.padreati:rapaio-jupyter-kernel:$kernel_version \
  -DoutputDirectory="$target/kernel"
kernel_jar=$target/kernel/rapaio-jupyter-kernel-$kernel_version.jar
# Our fix for a start-up race in the kernel's LoopThread (see the class), ahead of the kernel's jar.
patch_src=$root/notebooks/tools/kernel-patch
patch_dir=$target/kernel-patch
rm -rf "$patch_dir"
javac_bin=$(dirname "$java_bin")/javac
[ -x "$javac_bin" ] || javac_bin=$(command -v javac || true)
if [ -z "$javac_bin" ]; then
  echo "No javac next to $java_bin or on PATH: install a JDK 17 (e.g. openjdk-17-jdk-headless)." >&2
  exit 1
fi
"$javac_bin" --release 17 -nowarn -d "$patch_dir" -cp "$kernel_jar" $(find "$patch_src" -name '*.java')
kernel_cp=$patch_dir:$kernel_jar
opens=$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' pom.xml)
export JUPYTER_PATH=$target/jupyter
export JUPYTER_DATA_DIR=$target/jupyter-data
export JUPYTER_RUNTIME_DIR=$target/jupyter-runtime
export JUPYTER_CONFIG_DIR=$target/jupyter-config
export PYDEVD_DISABLE_FILE_VALIDATION=1
mkdir -p "$JUPYTER_PATH/kernels/$kernel_name" "$JUPYTER_DATA_DIR" "$JUPYTER_RUNTIME_DIR" "$JUPYTER_CONFIG_DIR"
python3 - "$JUPYTER_PATH/kernels/$kernel_name/kernel.json" "$java_bin" "$kernel_cp" "$target/classpath.txt" "$opens" <<'EOF'
import json, sys
out, java, kernel_cp, classpath_file, opens = sys.argv[1:6]
jars = [l.strip() for l in open(classpath_file) if l.strip()]
spec = {
    # Spark on Java 17 needs its --add-opens list in the kernel's own JVM (cells run in it).
    "argv": [java, "-Xmx2g", *opens.split(), "-Djava.awt.headless=true", "-cp", kernel_cp,
             "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"],
    "display_name": "Java (spark-together-batch)",
    "language": "java",
    "interrupt_mode": "message",
    "env": {
        # Spark and the emulator; the notebooks add the connector jar themselves with %jar.
        "RJK_CLASSPATH": ";".join(jars),
        "RJK_COMPILER_OPTIONS": "",
        "RJK_INIT_SCRIPT": "",
        "RJK_TIMEOUT_MILLIS": "-1",
    },
}
json.dump(spec, open(out, "w"), indent=1)
EOF
echo "  kernel: $kernel_name (rapaio-jupyter-kernel $kernel_version on $java_bin) in $JUPYTER_PATH/kernels"
if $setup_only; then
  echo "Open the notebooks with: JUPYTER_PATH=$JUPYTER_PATH jupyter notebook notebooks/"
  exit 0
fi

# 4. Run them -------------------------------------------------------------------------------------
if [ ${#notebooks[@]} -eq 0 ]; then
  for f in notebooks/*.ipynb; do notebooks+=("$f"); done
fi
mkdir -p "$target/executed"
# The kernel's own lines in an nbconvert log: the JVM's errors, without the classpath listing.
kernel_output() {
  grep -E '^\[[0-9]{4}-|Exception|Error|^\s+at |^Caused by' "$1" | grep -v -E '^\s+File |Traceback' | head -30 | sed 's/^/      /' || true
}
failed=()
for nb in "${notebooks[@]}"; do
  [ -f "$nb" ] || nb=notebooks/$nb
  name=$(basename "$nb")
  # Committed notebooks carry no outputs.
  if ! python3 - "$nb" <<'EOF'
import json, sys
nb = json.load(open(sys.argv[1]))
dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
if dirty:
    print("%s: cells %s have outputs; clear them before committing "
          "(jupyter nbconvert --clear-output --inplace %s)" % (sys.argv[1], dirty, sys.argv[1]))
    sys.exit(1)
EOF
  then
    failed+=("$name (outputs not cleared)")
    continue
  fi
  echo "=== $name"
  start=$(date +%s)
  log=$target/executed/${name%.ipynb}.log
  ok=false
  for attempt in 1 2 3 4; do
    # ReadyKernelManager (tools/ready_kernel.py) holds the client back until the kernel is ready.
    if PYTHONPATH=$root/notebooks/tools${PYTHONPATH:+:$PYTHONPATH} jupyter nbconvert --to notebook --execute \
        --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.startup_timeout=45 \
        --ExecutePreprocessor.kernel_name="$kernel_name" \
        --ExecutePreprocessor.kernel_manager_class=ready_kernel.ReadyKernelManager \
        --output-dir "$target/executed" "$nb" >"$log" 2>&1; then
      # nbconvert stops at a failing cell; make sure no error output slipped through either.
      if python3 - "$target/executed/$name" <<'EOF'
import json, sys
nb = json.load(open(sys.argv[1]))
errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
for e in errors:
    print("  error output: %s: %s" % (e.get("ename"), e.get("evalue")))
sys.exit(1 if errors else 0)
EOF
      then
        ok=true
      fi
      break
    fi
    # Only a kernel that never got going is tried again; a failing cell fails at once.
    grep -q -E "Kernel died before replying to kernel_info|Kernel didn't respond in" "$log" || break
    [ "$attempt" -lt 4 ] || break
    echo "    the kernel did not start (attempt $attempt); what it printed:"
    kernel_output "$log"
    cp "$log" "$log.attempt$attempt"
  done
  if $ok; then
    echo "    passed in $(( $(date +%s) - start ))s: notebooks/target/executed/$name"
    continue
  fi
  echo "    FAILED after $(( $(date +%s) - start ))s; log: notebooks/target/executed/${name%.ipynb}.log"
  kernel_output "$log"
  grep -v -E '^\[I |^\s*$|Debugger|frozen|PYDEVD' "$log" | tail -25 | sed 's/^/    /'
  failed+=("$name")
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "Notebooks failed: ${failed[*]}" >&2
  exit 1
fi
echo "All ${#notebooks[@]} notebook(s) passed."
