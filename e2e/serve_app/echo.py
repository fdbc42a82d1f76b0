"""`serve_app.echo:app`, the e2e RayService's application (e2e/stacks/Pulumi.e2e-serve.yaml): it
answers every request with its path and the Ray node of the replica that served it. Built into the
node's Ray image (node-images.sh), as a team builds its application into its image: a RayService's
runtime_env may not install code.
"""
import ray
from ray import serve


@serve.deployment
class Echo:
    def __call__(self, request):
        node = ray.get_runtime_context().get_node_id()
        return f"echo {request.url.path} from node {node[:12]}"


app = Echo.bind()
