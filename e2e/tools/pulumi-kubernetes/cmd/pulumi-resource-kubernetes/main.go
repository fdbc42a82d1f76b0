// Command pulumi-resource-kubernetes serves the Pulumi Kubernetes provider.
//
// Upstream's main package embeds schema-embed.json and terraform-mapping-embed.json, which
// its release build generates (go generate) and which the published module does not contain.
// build-tools.sh copies this wrapper module to a scratch directory, writes the two files next
// to this one from the module's schema.json and terraform-mapping.json (with the version
// stamped into the schema), and builds there.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
