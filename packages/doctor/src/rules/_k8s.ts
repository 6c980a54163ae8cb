import { type Document, LineCounter, parseAllDocuments } from 'yaml'
import type { Project } from '../_project.ts'

// biome-ignore lint/suspicious/noExplicitAny: a manifest is untyped YAML; each rule checks the shape it reads.
type Json = any

export interface Deployment {
  file: string
  line: number
  name: string
  pod: Json
  containers: { name: string; line: number; value: Json }[]
}

const manifestFile = /\.ya?ml$/

/** Every Deployment (and StatefulSet) in the service's YAML files, with the line of each container. */
export function listDeployments(project: Project): Deployment[] {
  const deployments: Deployment[] = []
  for (const file of project.files.filter((path) => manifestFile.test(path))) {
    const text = project.read(file) ?? ''
    if (!text.includes('kind:')) continue
    const lineCounter = new LineCounter()
    let documents: Document.Parsed[]
    try {
      documents = parseAllDocuments(text, { lineCounter }) as Document.Parsed[]
    } catch {
      continue
    }
    if (!Array.isArray(documents)) continue
    for (const document of documents) {
      if (document.errors.length > 0) continue
      const manifest = document.toJS() as Json
      if (manifest?.kind !== 'Deployment' && manifest?.kind !== 'StatefulSet') continue
      const lineAt = (path: (string | number)[]) => {
        const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined
        return node?.range ? lineCounter.linePos(node.range[0]).line : 1
      }
      const pod = manifest.spec?.template?.spec ?? {}
      const containers = ((pod.containers ?? []) as Json[]).map((value, index) => ({
        name: String(value?.name ?? index),
        line: lineAt(['spec', 'template', 'spec', 'containers', index]),
        value: value ?? {},
      }))
      deployments.push({
        file,
        line: lineAt(['kind']),
        name: String(manifest.metadata?.name ?? ''),
        pod,
        containers,
      })
    }
  }
  return deployments
}
