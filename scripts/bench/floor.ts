/**
 * The floor of any Pulumi TypeScript program here: the provider SDKs loaded and nothing else.
 * Run through the same ts-node loader as the renderer, so the program-cost ratio shows what our
 * program adds on top of what every program pays.
 */
import "@pulumi/pulumi";
import "@pulumi/kubernetes";
import "@pulumi/alicloud";
