/**
 * Resolves Java artifacts from Maven Central into the tool cache: a throw-away pom lists them and
 * the dependency plugin writes their classpath. Used for the Temporal test server and the S3 server.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const MAVEN_DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

export interface MavenDependency {
  groupId: string;
  artifactId: string;
  version: string;
  classifier?: string;
  /** Leave out what the artifact depends on (a jar that bundles its dependencies). */
  alone?: boolean;
  /** Why it is there, kept as a comment in the generated pom. */
  why?: string;
}

function pomOf(name: string, deps: readonly MavenDependency[]): string {
  const entries = deps
    .map(
      (d) => `    <dependency>
${d.why ? `      <!-- ${d.why} -->\n` : ''}      <groupId>${d.groupId}</groupId>
      <artifactId>${d.artifactId}</artifactId>
      <version>${d.version}</version>${d.classifier ? `\n      <classifier>${d.classifier}</classifier>` : ''}${
        d.alone
          ? '\n      <exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>'
          : ''
      }
    </dependency>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.openai-batch-cancel</groupId>
  <artifactId>${name}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${entries}
  </dependencies>
</project>
`;
}

/**
 * Resolves `deps` (and what they depend on) with Maven into `dir` and returns the classpath.
 * Throws the `mvn` failure as is; the caller says which tool it was for.
 */
export function resolveMavenClasspath(dir: string, name: string, deps: readonly MavenDependency[]): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'pom.xml'), pomOf(name, deps));
  const cpFile = path.join(dir, 'classpath.txt');
  execFileSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      path.join(dir, 'pom.xml'),
      `${MAVEN_DEPENDENCY_PLUGIN}:build-classpath`,
      `-Dmdep.outputFile=${cpFile}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  return fs.readFileSync(cpFile, 'utf8').trim();
}

/** Writes an executable wrapper script atomically (a concurrent reader never sees half of it). */
export function writeWrapper(file: string, script: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, script, { mode: 0o755 });
  fs.renameSync(tmp, file);
}
